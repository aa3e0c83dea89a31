"""Duplicate detection: shingles and signatures, exact / near / containment links, groups kept
stable across runs, the SQL lookup of earlier signatures and the asset itself."""

import hashlib
from datetime import date
from pathlib import Path

import dagster as dg
import numpy as np
import polars as pl
import pytest

from assets import dedup
from pipelines.resources import WarehouseResource
from warehouse import db

FIXTURES = Path(__file__).parents[1] / "fixtures" / "dedup"
# wire: a council story; edited: another outlet's edit of it; page: the wire text inside a saved
# page with navigation and footer; excerpt: its first two paragraphs (a feed summary);
# other_report: a different report of the same vote quoting one sentence; unrelated: another topic.
NAMES = ["wire", "edited", "page", "excerpt", "other_report", "unrelated"]


def articles(names=NAMES, day=date(2024, 5, 6), prefix="") -> pl.DataFrame:
    bodies = [(FIXTURES / f"{n}.txt").read_text(encoding="utf-8") for n in names]
    return pl.DataFrame(
        {
            "article_id": [prefix + n for n in names],
            "source_path": [f"{prefix}{n}.txt" for n in names],
            "body": bodies,
            "content_hash": [hashlib.sha256(" ".join(b.lower().split()).encode()).hexdigest() for b in bodies],
            "published_date": [day] * len(names),
        }
    )


def test_shingle_hashes_counts_distinct_five_word_shingles():
    assert len(dedup.shingle_hashes("")) == 0
    assert len(dedup.shingle_hashes(None)) == 0
    assert len(dedup.shingle_hashes("Only three words")) == 1
    text = "one two three four five six seven eight nine ten"
    assert len(dedup.shingle_hashes(text)) == 6
    # case and punctuation do not matter; the hashes are stable across calls and processes
    assert np.array_equal(dedup.shingle_hashes(text.upper().replace(" ", ", ")), dedup.shingle_hashes(text))
    assert len(dedup.shingle_hashes("a b c d e a b c d e")) == 5


def test_minhash_is_datasketchs_bit_for_bit():
    """The step computes datasketch 2's MinHash (affine32, seed 1, the high 32 bits of each shingle
    hash fed to it) in one array operation: stored signatures of older warehouses must compare
    with new ones, so every value must be datasketch's."""
    import datasketch

    template = datasketch.MinHash(num_perm=dedup.NUM_PERM, seed=dedup.MINHASH_SEED, hashfunc=int)

    def theirs(hashes: np.ndarray) -> np.ndarray:
        m = datasketch.MinHash(num_perm=dedup.NUM_PERM, seed=dedup.MINHASH_SEED, hashfunc=int,
                               permutations=template.permutations, scheme=template.scheme)
        if len(hashes):
            m.update_batch((hashes >> np.uint64(32)).tolist())
        return np.asarray(m.hashvalues, dtype=np.uint64)

    rng = np.random.default_rng(7)
    cases = [rng.integers(0, np.iinfo(np.uint64).max, n, dtype=np.uint64, endpoint=True) for n in (1, 2, 9, 4000, 3 * dedup.MINHASH_BLOCK + 5)]
    cases += [dedup.shingle_hashes(t) for t in ("", "Only three words", articles(["page"])["body"][0])]
    cases.append(np.array([0, np.iinfo(np.uint64).max], dtype=np.uint64))
    for hashes in cases:
        ours = dedup._minhash(hashes)
        assert ours.dtype == np.uint64 and np.array_equal(ours, theirs(hashes)), len(hashes)


def test_lsh_bands_and_rows_are_datasketchs_optimum():
    from datasketch.lsh import _optimal_param

    assert dedup.LSH_BANDS_AND_ROWS == _optimal_param(dedup.LSH_THRESHOLD, dedup.NUM_PERM, 0.5, 0.5)


def test_signatures_have_fixed_widths_and_empty_text_has_no_buckets():
    frame = articles(["wire"]).vstack(
        pl.DataFrame(
            {"article_id": ["empty"], "source_path": ["empty.txt"], "body": [""], "content_hash": ["x"], "published_date": [None]},
            schema=articles(["wire"]).schema,
        )
    )
    sigs = dedup.signatures(frame)
    assert sigs.columns == list(dedup.SIGNATURE_SCHEMA)
    assert sigs["minhash"].list.len().to_list() == [dedup.NUM_PERM, dedup.NUM_PERM]
    assert sigs["lsh_bands"].list.len().to_list() == [dedup.LSH_BANDS_AND_ROWS[0], 0]
    assert sigs["shingles"].to_list() == [len(dedup.shingle_hashes(frame["body"][0])), 0]
    assert sigs["dup_group_id"].null_count() == 2


def test_copies_in_every_form_share_a_group_and_other_reports_do_not():
    result = dedup.deduplicate(articles())
    groups = dict(result["assignments"].iter_rows())
    assert groups == {
        "edited": "edited",
        "excerpt": "edited",
        "page": "edited",
        "wire": "edited",
        "other_report": "other_report",
        "unrelated": "unrelated",
    }
    links = result["duplicates"].sort("article_id")
    assert links.select("article_id", "duplicate_of", "method").rows() == [
        ("excerpt", "edited", "containment"),
        ("page", "excerpt", "containment"),
        ("wire", "page", "near"),
    ]
    assert links["containment"].to_list() == [1.0, 1.0, 1.0]
    assert result["signatures"]["dup_group_id"].to_list() == [groups[a] for a in result["signatures"]["article_id"]]


def test_pairs_scored_a_block_at_a_time_score_as_all_at_once(monkeypatch):
    sigs = dedup.signatures(articles())
    pairs = dedup.candidate_pairs(sigs, sigs)
    whole = dedup.score_pairs(pairs, sigs)
    monkeypatch.setattr(dedup, "PAIR_BLOCK", 2)
    assert pairs.height > 2
    assert dedup.score_pairs(pairs, sigs).equals(whole)
    assert whole.filter(pl.col("method") == "near").height > 0


def test_candidate_pairs_joined_a_block_of_new_articles_at_a_time_are_those_of_one_join(monkeypatch):
    stored = dedup.signatures(articles(["wire", "other_report", "unrelated"]))
    new = dedup.signatures(articles(prefix="new-"))
    pool = pl.concat([stored, new])
    whole = dedup.candidate_pairs(new, pool)
    assert whole.height > len(NAMES) and whole["shared_samples"].max() > 0  # by shared samples, not only hashes
    for block in (1, 2, 4):
        monkeypatch.setattr(dedup, "NEW_BLOCK", block)
        assert dedup.candidate_pairs(new, pool).equals(whole)


def test_exact_copy_is_linked_as_exact():
    frame = articles(["wire", "unrelated"])
    copy = frame.head(1).with_columns(pl.lit("wire-copy").alias("article_id"), pl.lit("copy.txt").alias("source_path"))
    result = dedup.deduplicate(pl.concat([frame, copy]))
    assert result["duplicates"].select("article_id", "duplicate_of", "similarity", "method").rows() == [
        ("wire-copy", "wire", 1.0, "exact")
    ]


def test_empty_bodies_are_not_copies_of_each_other():
    empty = pl.DataFrame(
        {
            "article_id": ["a", "b"],
            "source_path": ["a.txt", "b.txt"],
            "body": ["", ""],
            "content_hash": ["same", "same"],
            "published_date": [date(2024, 1, 1)] * 2,
        }
    )
    result = dedup.deduplicate(empty)
    assert result["assignments"].rows() == [("a", "a"), ("b", "b")]
    assert result["duplicates"].height == 0


def test_copy_of_an_earlier_article_joins_its_group_without_renaming_it():
    first = dedup.deduplicate(articles(["wire", "unrelated"], prefix="old-"))
    earlier = first["signatures"]
    later = dedup.deduplicate(articles(["page", "other_report"], prefix="new-"), earlier)
    assert dict(later["assignments"].iter_rows()) == {"new-page": "old-wire", "new-other_report": "new-other_report"}
    assert later["duplicates"].select("article_id", "duplicate_of").rows() == [("new-page", "old-wire")]


@pytest.fixture
def warehouse(tmp_path) -> WarehouseResource:
    return WarehouseResource(path=str(tmp_path / "w.duckdb"))


def test_earlier_candidates_finds_copies(warehouse):
    stored = dedup.deduplicate(articles(["wire", "unrelated", "other_report"], prefix="old-"))["signatures"]
    with warehouse.write() as conn:
        dedup.store_signatures(conn, stored)
    new = dedup.signatures(articles(["page", "excerpt"], prefix="new-"))
    with warehouse.read() as conn:
        found = dedup.earlier_candidates(conn, new)
    assert found["article_id"].to_list() == ["old-wire"]
    assert found.columns == list(dedup.SIGNATURE_SCHEMA)


def test_storing_signatures_again_replaces_their_keys(warehouse):
    first = dedup.deduplicate(articles(["wire", "unrelated"], prefix="a-"))["signatures"]
    with warehouse.write() as conn:
        dedup.store_signatures(conn, first)
        keys = conn.execute("SELECT kind, key, article_id FROM dedup_keys ORDER BY ALL").fetchall()
        assert keys and {k[2] for k in keys} == {"a-wire", "a-unrelated"}
        # one of them again, with another article beside it: its keys are replaced, not doubled
        again = dedup.deduplicate(articles(["wire", "excerpt"], prefix="a-"))["signatures"]
        dedup.store_signatures(conn, again)
        after = conn.execute("SELECT kind, key, article_id FROM dedup_keys ORDER BY ALL").fetchall()
        signatures = conn.execute("SELECT count(*) FROM article_signatures").fetchone()[0]
    excerpt_keys = [k for k in after if k[2] == "a-excerpt"]
    assert excerpt_keys and sorted(k for k in after if k[2] != "a-excerpt") == keys
    assert signatures == 3


def test_asset_links_new_articles_to_stored_ones(warehouse):
    old = articles(["wire"], prefix="old-")
    stored = dedup.deduplicate(old)["signatures"]
    new = articles(["page", "unrelated"], prefix="new-")
    with warehouse.write() as conn:
        db.insert_frame(conn, "article_texts", pl.concat([old, new], how="diagonal_relaxed").select(
            "article_id", "source_path", "body", "content_hash", "published_date",
            pl.lit(0, pl.Int32).alias("record_index")))
        dedup.store_signatures(conn, stored)

    result = dg.materialize([dedup.deduplicated_articles], resources={"warehouse": warehouse})
    assert result.success
    with warehouse.read() as conn:
        groups = dict(conn.execute("SELECT article_id, dup_group_id FROM articles").fetchall())
        links = conn.execute("SELECT article_id, duplicate_of, method FROM duplicates").fetchall()
    assert groups == {"old-wire": "old-wire", "new-page": "old-wire", "new-unrelated": "new-unrelated"}
    assert links == [("new-page", "old-wire", "near")]
    # nothing new: nothing changes
    assert dg.materialize([dedup.deduplicated_articles], resources={"warehouse": warehouse}).success
    with warehouse.read() as conn:
        assert conn.execute("SELECT count(*) FROM article_signatures").fetchone()[0] == 3
        assert conn.execute("SELECT count(*) FROM duplicates").fetchone()[0] == 1


def _boilerplate_articles(n: int, start: int = 0) -> pl.DataFrame:
    """`n` different short reports that all end with the same long site footer."""
    footer = ("Subscribe to our newsletter for the latest updates from the valley every morning, "
              "read our privacy policy and terms of use, and contact the newsroom with tips at any "
              "hour of the day or night, because local news depends on readers like you. ")
    vocabulary = [f"{a}{b}" for a in ("har", "cou", "bud", "sch", "bri", "fes", "riv", "mar") for b in ("bour", "ncil", "get", "ool", "dge", "tival", "er", "ket")]
    bodies = [" ".join(np.random.default_rng(i).choice(vocabulary, 80)) + f" report {i}. " + footer
              for i in range(start, start + n)]
    return pl.DataFrame({
        "article_id": [f"b-{i:03d}" for i in range(start, start + n)],
        "source_path": [f"b-{i:03d}.txt" for i in range(start, start + n)],
        "body": bodies,
        "content_hash": [hashlib.sha256(b.encode()).hexdigest() for b in bodies],
        "published_date": [date(2024, 5, 6)] * n,
    })


def test_boilerplate_shingles_leave_the_lookup_keys_once_common(warehouse):
    """A sampled shingle held by more than SAMPLE_MAX_ARTICLES stored articles is boilerplate:
    it is kept once in dedup_common_keys, its rows leave dedup_keys, and no later chunk stores it
    again, while the lookup finds the same candidates as before (none through the footer)."""
    limit = dedup.SAMPLE_MAX_ARTICLES
    first = _boilerplate_articles(limit)
    with warehouse.write() as conn:
        dedup.store_signatures(conn, dedup.signatures(first))
        assert conn.execute("SELECT count(*) FROM dedup_common_keys").fetchone()[0] == 0
        held = conn.execute("SELECT count(*) FROM dedup_keys WHERE kind = 'sample'").fetchone()[0]
    samples = dedup.signatures(first.head(2))["shingle_sample"].to_list()
    footer_keys = set(np.intersect1d(*[np.array(s, dtype=np.uint64) for s in samples]).tolist())
    assert footer_keys and held > 0
    # one more article with the footer: its keys are now held by limit + 1 articles
    with warehouse.write() as conn:
        dedup.store_signatures(conn, dedup.signatures(_boilerplate_articles(1, start=limit)))
        common = {k for k, in conn.execute("SELECT key FROM dedup_common_keys").fetchall()}
        left = conn.execute("SELECT count(*) FROM dedup_keys WHERE kind = 'sample' AND key IN "
                            "(SELECT key FROM dedup_common_keys)").fetchone()[0]
    assert footer_keys <= common and left == 0
    later = dedup.signatures(_boilerplate_articles(3, start=limit + 1))
    with warehouse.write() as conn:
        found = dedup.earlier_candidates(conn, later)
        dedup.store_signatures(conn, later)
        again = conn.execute("SELECT count(*) FROM dedup_keys WHERE kind = 'sample' AND key IN "
                             "(SELECT key FROM dedup_common_keys)").fetchone()[0]
        marked = conn.execute("SELECT count(*), count(DISTINCT key) FROM dedup_common_keys").fetchone()
    # the footer is no evidence: the new reports find no stored one through it
    assert found.height == 0
    assert again == 0 and marked[0] == marked[1]
