"""Story clustering: features, complete-link clustering, stable ids across runs, merges, the
stories table and the asset against a DuckDB warehouse."""

from datetime import date, timedelta
from pathlib import Path

import dagster as dg
import numpy as np
import polars as pl
import pytest

from assets import stories
from assets.stories.clustering import LINK_THRESHOLD, WORD_FLOOR, PairScorer, pair_features, probability
from pipelines.resources import WarehouseResource
from warehouse import db
from tests.conftest import store_articles

FIXTURES = Path(__file__).parents[1] / "fixtures" / "dedup"
# Two events: a council vote on a footbridge (the vote, another outlet's report, the state's
# funding two weeks later) and an orchestra's conductor stepping down (and the successor search).
TEXTS = {
    "bridge-vote": FIXTURES / "wire.txt",
    "bridge-report": FIXTURES / "other_report.txt",
    "bridge-funding": FIXTURES / "bridge_funding.txt",
    "orchestra": FIXTURES / "unrelated.txt",
    "orchestra-successor": FIXTURES / "orchestra_successor.txt",
}
DAYS = {
    "bridge-vote": date(2024, 5, 6),
    "bridge-report": date(2024, 5, 7),
    "bridge-funding": date(2024, 5, 20),
    "orchestra": date(2024, 5, 8),
    "orchestra-successor": date(2024, 6, 1),
}
NO_MENTIONS = pl.DataFrame(schema={"article_id": pl.String, "actor_id": pl.String})


def articles(ids=tuple(TEXTS), days=None) -> pl.DataFrame:
    days = {**DAYS, **(days or {})}
    return pl.DataFrame(
        {
            "article_id": list(ids),
            "title": [None] * len(ids),
            "body": [TEXTS[a.removesuffix("-copy")].read_text(encoding="utf-8") for a in ids],
            "published_date": [days[a] for a in ids],
            "dup_group_id": [a.removesuffix("-copy") for a in ids],
        },
        schema={"article_id": pl.String, "title": pl.String, "body": pl.String, "published_date": pl.Date, "dup_group_id": pl.String},
    )


def matrix_for(frame: pl.DataFrame):
    terms = stories.article_terms(frame, NO_MENTIONS)
    df = stories.document_frequencies(terms)
    ids = frame["article_id"].to_list()
    return stories.tfidf_matrix(ids, terms, dict(zip(df["term"], df["df"])), len(ids)), ids


def test_words_are_stemmed_content_words():
    assert stories.words("The bombings were reported; bombs exploded in 1998.") == ["bomb", "report", "bomb", "explod"]
    assert stories.words("Council's vote", limit=1) == ["council"]
    assert stories.words(None) == []


def test_actors_are_features_counted_once():
    frame = articles(["orchestra"])
    mentions = pl.DataFrame({"article_id": ["orchestra"] * 3, "actor_id": ["Q1", "Q1", "Q2"]})
    terms = stories.article_terms(frame, mentions)["orchestra"]
    assert (terms["@Q1"], terms["@Q2"]) == (1, 1)


def test_articles_of_one_event_share_a_story_named_after_the_first():
    links = stories.cluster(articles(), NO_MENTIONS).sort("article_id")
    assert links.select("article_id", "story_id", "matched_article_id", "reason").rows() == [
        ("bridge-funding", "s-bridge-vote", "bridge-vote", "similar"),
        ("bridge-report", "s-bridge-vote", "bridge-vote", "similar"),
        ("bridge-vote", "s-bridge-vote", "bridge-funding", "new"),
        ("orchestra", "s-orchestra", "orchestra-successor", "new"),
        ("orchestra-successor", "s-orchestra", "orchestra", "similar"),
    ]


def test_copies_always_share_the_story_of_what_they_copy():
    frame = articles(["bridge-vote", "orchestra", "orchestra-copy"], days={"orchestra-copy": date(2024, 5, 9)})
    links = dict(stories.cluster(frame, NO_MENTIONS).select("article_id", "story_id").iter_rows())
    assert links == {"bridge-vote": "s-bridge-vote", "orchestra": "s-orchestra", "orchestra-copy": "s-orchestra"}


def test_a_copy_new_in_the_same_chunk_as_its_original_gets_its_real_score():
    """The copy's link names its original and the model's probability for the pair (the same
    text: near 1), also when both arrive in one chunk (the original is scored, the copy not)."""
    frame = articles(["bridge-vote", "orchestra", "orchestra-copy"], days={"orchestra-copy": date(2024, 5, 9)})
    matrix, ids = matrix_for(frame)
    links, _ = stories.assign_stories(frame.select("article_id", "published_date", "dup_group_id"),
                                      earlier_frame({}), matrix, ids)
    copy = links.filter(pl.col("article_id") == "orchestra-copy").row(0, named=True)
    assert (copy["reason"], copy["matched_article_id"]) == ("duplicate", "orchestra")
    assert copy["score"] > 0.9


def test_articles_far_apart_in_time_are_not_compared():
    frame = articles(days={"bridge-funding": date(2024, 5, 6) + timedelta(days=stories.WINDOW_DAYS + 10)})
    links = dict(stories.cluster(frame, NO_MENTIONS).select("article_id", "story_id").iter_rows())
    assert links["bridge-funding"] == "s-bridge-funding"
    assert links["bridge-report"] == "s-bridge-vote"


def test_actor_evidence_counts_only_with_agreeing_body_words():
    # words at the floor (unrelated articles of a week share that much): actors add nothing
    assert pair_features([WORD_FLOOR], [0.0], [1.0], [0])["actors_with_words"].tolist() == [0.0]
    assert pair_features([0.0], [0.0], [1.0], [0])["actors_with_words"].tolist() == [0.0]
    # words that agree: the geometric mean of the actor cosine and the words beyond the floor
    assert pair_features([WORD_FLOOR + 0.25], [0.0], [0.36], [0])["actors_with_words"].round(9).tolist() == [0.3]
    assert pair_features([0.3], [0.1], [0.2], [np.e - 1])["days"].round(9).tolist() == [1.0]


def pair_probability(a: str, b: str, actors: list[str]) -> float:
    """The merge model's probability for two fixture articles that both name `actors`."""
    frame = articles([a, b])
    mentions = pl.DataFrame({"article_id": [x for x in (a, b) for _ in actors], "actor_id": actors * 2}, schema=NO_MENTIONS.schema)
    terms = stories.article_terms(frame, mentions)
    df = stories.document_frequencies(terms)
    matrix = stories.tfidf_matrix([a, b], terms, dict(zip(df["term"], df["df"])), 2)
    days = np.array([d.toordinal() for d in frame["published_date"]], dtype=float)
    return float(PairScorer(matrix, days).block([0], [1])[0, 0])


@pytest.mark.parametrize("actors", [["lakemont"], ["lakemont", "council", "mayor", "state"]])
def test_shared_actors_alone_do_not_link_different_events(actors):
    # the orchestra's news and the bridge vote share a city (and here a council and a mayor)
    # but not their words: however many actors they share, they stay apart
    assert pair_probability("bridge-vote", "orchestra", actors) < LINK_THRESHOLD


def test_shared_actors_lift_reports_whose_words_agree():
    alone = pair_probability("bridge-vote", "bridge-report", [])
    one = pair_probability("bridge-vote", "bridge-report", ["lakemont"])
    several = pair_probability("bridge-vote", "bridge-report", ["lakemont", "council", "mayor", "state"])
    assert LINK_THRESHOLD < alone < one < several


def test_the_model_ignores_actors_when_words_do_not_agree():
    unrelated = {"body": [0.04, 0.04], "title": [0.0, 0.0], "actors": [0.0, 1.0]}
    p = probability(pair_features(**unrelated, days_apart=[1, 1]), stories.clustering.MODEL)
    assert p[0] == p[1] < LINK_THRESHOLD


def earlier_frame(assigned: dict[str, str], days=None) -> pl.DataFrame:
    frame = articles(list(assigned), days)
    return frame.select("article_id", "published_date", "dup_group_id").with_columns(
        pl.Series("story_id", list(assigned.values()))
    )


def test_new_articles_join_earlier_stories_without_renaming_them():
    everything = articles()
    matrix, ids = matrix_for(everything)
    earlier = earlier_frame({"bridge-vote": "s-old-bridge", "orchestra": "s-old-orchestra"})
    new = everything.filter(~pl.col("article_id").is_in(["bridge-vote", "orchestra"])).select(
        "article_id", "published_date", "dup_group_id"
    )
    links, merges = stories.assign_stories(new, earlier, matrix, ids)
    assert dict(links.select("article_id", "story_id").iter_rows()) == {
        "bridge-report": "s-old-bridge",
        "bridge-funding": "s-old-bridge",
        "orchestra-successor": "s-old-orchestra",
    }
    assert merges.height == 0


def test_an_article_analysed_again_never_takes_over_the_story_it_once_named():
    # "orchestra" started story s-orchestra, which lives on with its successor article; the
    # orchestra file changed and the article comes back as new: its own story id must not be
    # the living story's, whose articles it would otherwise replace.
    everything = articles(["orchestra", "orchestra-successor", "bridge-vote"])
    matrix, ids = matrix_for(everything)
    earlier = earlier_frame({"orchestra-successor": "s-orchestra", "bridge-vote": "s-bridge-vote"})
    new = everything.filter(pl.col("article_id") == "orchestra").select("article_id", "published_date", "dup_group_id")
    links, _ = stories.assign_stories(new, earlier, matrix, ids)
    (story,) = links["story_id"].to_list()
    assert story == "s-orchestra"  # it joined the living story (same event) rather than replacing it
    far = {"orchestra": date(2025, 6, 1)}  # the changed file now dates it a year later: no comparison
    everything = articles(["orchestra", "orchestra-successor"], far)
    matrix, ids = matrix_for(everything)
    earlier = earlier_frame({"orchestra-successor": "s-orchestra"})
    new = everything.filter(pl.col("article_id") == "orchestra").select("article_id", "published_date", "dup_group_id")
    links, _ = stories.assign_stories(new, earlier, matrix, ids)
    assert links.select("story_id", "reason").rows() == [("s-orchestra-2", "new")]


def test_new_article_close_to_two_earlier_stories_merges_them_into_the_older():
    days = {"bridge-vote": date(2024, 1, 1), "bridge-report": date(2024, 2, 5), "bridge-funding": date(2024, 3, 11)}
    everything = articles(["bridge-vote", "bridge-report", "bridge-funding"], days)
    matrix, ids = matrix_for(everything)
    # vote and funding are 70 days apart: never compared, so they started separate stories
    earlier = earlier_frame({"bridge-vote": "s-vote", "bridge-funding": "s-funding"}, days)
    new = everything.filter(pl.col("article_id") == "bridge-report").select("article_id", "published_date", "dup_group_id")
    links, merges = stories.assign_stories(new, earlier, matrix, ids)
    assert links.select("article_id", "story_id").rows() == [("bridge-report", "s-vote")]
    assert merges.rows() == [("s-funding", "s-vote")]


def test_group_norms_are_the_row_sums_of_each_groups_masked_matrix():
    from scipy import sparse

    from assets.stories.clustering import GROUP_PRIOR
    from assets.stories.features import ACTOR, BODY, TITLE

    rng = np.random.default_rng(7)
    for trial in range(10):
        n, width = int(rng.integers(1, 300)), int(rng.integers(1, 2000))
        matrix = sparse.random(n, width, density=float(rng.uniform(0.001, 0.3)), format="csr", random_state=trial)
        matrix.data = rng.uniform(0.01, 5, len(matrix.data))
        if trial % 2:  # columns out of order within rows, as a matrix built from pairs can be
            for row in range(n):
                span = slice(matrix.indptr[row], matrix.indptr[row + 1])
                order = rng.permutation(span.stop - span.start)
                matrix.indices[span], matrix.data[span] = matrix.indices[span][order], matrix.data[span][order]
            matrix.has_sorted_indices = False
        matrix.kinds = rng.integers(0, 3, width).astype(np.int8)
        scorer = PairScorer(matrix, np.zeros(n))
        for kind in (BODY, TITLE, ACTOR):
            group = scorer._masked(scorer._matrix, kind)
            expected = np.sqrt(np.asarray(group.multiply(group).sum(axis=1)).ravel() + GROUP_PRIOR**2)
            assert np.array_equal(scorer._norms[kind], expected)  # to the bit: the pairs' scores depend on them


def test_story_rows_count_articles_outlets_and_days_and_read_a_body_only_without_a_title(tmp_path):
    frame = pl.DataFrame(
        {
            "article_id": ["a", "b", "c", "d", "e", "f", "g"],
            "story_id": ["s-a", "s-a", "s-a", "s-d", "s-e", "s-e", "s-g"],
            "title": [None, "Bridge approved", "Bridge funded", None, "Ferry strike", "Ferry strike ends", None],
            "published_date": [date(2024, 5, 6), date(2024, 5, 7), date(2024, 5, 20), None,
                               None, date(2024, 6, 1), date(2024, 6, 2)],
            "outlet": ["Courier", "Courier", "Gazette", None, "Courier", "Courier", "Gazette"],
            "dup_group_id": ["a", "a", "c", "d", None, "f", "g"],
            "body": ["The council voted.", "x", "y", "The regional orchestra's conductor, Hanne Solberg, will step down. More.",
                     "z", "w", "Rain fell on the harbour all week. Boats stayed in."],
        }
    )
    warehouse = WarehouseResource(path=str(tmp_path / "w.duckdb"))
    with warehouse.write() as conn:
        store_articles(conn, frame)
        assert stories.rebuild_stories(conn, {"s-a", "s-d", "s-e"}) == 3
        rows = conn.execute("SELECT * FROM story_rows ORDER BY story_id").fetchall()
    assert rows == [
        # the earliest article has no title: the next one's stands
        ("s-a", "Bridge approved", date(2024, 5, 6), date(2024, 5, 20), 3, 2, 2),
        # no title at all: the first sentence of the earliest article
        ("s-d", "The regional orchestra's conductor, Hanne Solberg, will step down.", None, None, 1, 0, 1),
        # an undated article comes last; an article without a copy group counts once
        ("s-e", "Ferry strike ends", date(2024, 6, 1), date(2024, 6, 1), 2, 1, 2),
    ]
    with warehouse.write() as conn:  # only the stories asked for are rebuilt; a story without articles goes
        conn.execute("DELETE FROM story_links WHERE story_id = 's-a'")
        assert stories.rebuild_stories(conn, {"s-a", "s-g"}) == 1
        assert conn.execute("SELECT story_id, title FROM story_rows ORDER BY story_id").fetchall() == [
            ("s-d", "The regional orchestra's conductor, Hanne Solberg, will step down."),
            ("s-e", "Ferry strike ends"),
            ("s-g", "Rain fell on the harbour all week."),
        ]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Short one. Second.", "Short one."),
        ("Mr. Smith flew to the U.S. capital on Monday. He left.", "Mr. Smith flew to the U.S. capital on Monday."),
        ("BUENOS AIRES _ Gen. Rivas was arrested in London. More.", "BUENOS AIRES _ Gen. Rivas was arrested in London."),
        ("No end punctuation here", "No end punctuation here"),
        ("  ", None),
        (None, None),
        ("word " * 40, "word " * 23 + "word…"),
    ],
)
def test_headline_is_the_first_sentence_cut_at_a_word(text, expected):
    assert stories.headline(text) == expected


def test_an_earlier_story_read_in_part_merges_with_no_other_earlier_story():
    # As above, but s-vote has an article of another month that the chunk did not read: complete
    # link cannot weigh its pairs with s-funding, so the two stay apart; the report joins one.
    days = {"bridge-vote": date(2024, 1, 1), "bridge-report": date(2024, 2, 5), "bridge-funding": date(2024, 3, 11)}
    everything = articles(["bridge-vote", "bridge-report", "bridge-funding"], days)
    matrix, ids = matrix_for(everything)
    earlier = earlier_frame({"bridge-vote": "s-vote", "bridge-funding": "s-funding"}, days).with_columns(
        pl.Series("story_first_date", [date(2023, 11, 20), date(2024, 3, 11)]),
        pl.Series("story_first_article", ["bridge-older", "bridge-funding"]),
        pl.Series("story_articles", [2, 1]))
    new = everything.filter(pl.col("article_id") == "bridge-report").select("article_id", "published_date", "dup_group_id")
    links, merges = stories.assign_stories(new, earlier, matrix, ids)
    assert links["story_id"].to_list()[0] in ("s-vote", "s-funding")
    assert merges.height == 0
    whole = earlier.with_columns(pl.Series("story_articles", [1, 1]))
    links, merges = stories.assign_stories(new, whole, matrix, ids)
    assert merges.rows() == [("s-funding", "s-vote")]


@pytest.fixture
def warehouse(tmp_path) -> WarehouseResource:
    return WarehouseResource(path=str(tmp_path / "w.duckdb"))


def load(warehouse: WarehouseResource, ids, days=None) -> None:
    frame = articles(ids, days).with_columns(
        pl.col("article_id").alias("source_path"),
        pl.lit(0, pl.Int32).alias("record_index"),
        pl.lit("Courier").alias("outlet"),
    )
    with warehouse.write() as conn:
        store_articles(conn, frame, resolved=True)
        # every article names the city: an actor feature shared by both events' articles
        mentions = pl.DataFrame({"article_id": list(ids), "actor_id": ["lakemont"] * len(ids), "surface": ["Lakemont"] * len(ids)})
        db.insert_frame(conn, "actor_mentions", mentions)


def tables(warehouse: WarehouseResource) -> dict[str, list]:
    with warehouse.read() as conn:
        return {
            "articles": conn.execute("SELECT article_id, story_id FROM articles ORDER BY article_id").fetchall(),
            "stories": conn.execute("SELECT * EXCLUDE (blindspot) FROM stories ORDER BY story_id").fetchall(),
            "links": conn.execute("SELECT article_id, story_id, reason FROM story_links ORDER BY article_id").fetchall(),
            "df": conn.execute("SELECT count(*), sum(df) FROM story_term_df").fetchall(),
            "corpus": conn.execute("SELECT sum(documents) FROM story_corpus").fetchall(),
        }


def test_asset_assigns_new_articles_and_keeps_earlier_stories(warehouse):
    load(warehouse, ["bridge-vote", "bridge-report", "orchestra"])
    assert dg.materialize([stories.stories], resources={"warehouse": warehouse}).success
    first = tables(warehouse)
    assert first["articles"] == [
        ("bridge-report", "s-bridge-vote"),
        ("bridge-vote", "s-bridge-vote"),
        ("orchestra", "s-orchestra"),
    ]
    assert first["stories"] == [
        (
            "s-bridge-vote",
            "The city council of Lakemont voted seven to two on Monday evening to approve construction of a new pedestrian bridge…",
            date(2024, 5, 6),
            date(2024, 5, 7),
            2,
            1,
            2,
        ),
        (
            "s-orchestra",
            "The regional orchestra announced on Tuesday that its principal conductor, Hanne Solberg, will step down at the end of…",
            date(2024, 5, 8),
            date(2024, 5, 8),
            1,
            1,
            1,
        ),
    ]
    assert first["corpus"] == [(3,)]

    # no new articles: nothing changes
    assert dg.materialize([stories.stories], resources={"warehouse": warehouse}).success
    assert tables(warehouse) == first

    load(warehouse, ["bridge-funding", "orchestra-successor"])
    assert dg.materialize([stories.stories], resources={"warehouse": warehouse}).success
    second = tables(warehouse)
    assert second["articles"] == [
        ("bridge-funding", "s-bridge-vote"),
        ("bridge-report", "s-bridge-vote"),
        ("bridge-vote", "s-bridge-vote"),
        ("orchestra", "s-orchestra"),
        ("orchestra-successor", "s-orchestra"),
    ]
    assert second["links"] == [
        ("bridge-funding", "s-bridge-vote", "similar"),
        ("bridge-report", "s-bridge-vote", "similar"),
        ("bridge-vote", "s-bridge-vote", "new"),
        ("orchestra", "s-orchestra", "new"),
        ("orchestra-successor", "s-orchestra", "similar"),
    ]
    assert second["corpus"] == [(5,)]


def test_a_story_is_read_by_its_articles_of_the_new_articles_weeks(warehouse, monkeypatch):
    # The vote and the report (35 days apart) form a story; the funding comes 44 days after the
    # report and 79 after the vote, beyond the window: the chunk reads the story's report, not
    # its vote, and still knows the story's first article (the older story keeps its id when
    # two merge). The successor, new in the same chunk, is dated months before the vote: the
    # chunk's days span the vote's, but no new article within the window of the vote found it.
    days = {"bridge-vote": date(2024, 1, 1), "bridge-report": date(2024, 2, 5), "bridge-funding": date(2024, 3, 20),
            "orchestra-successor": date(2023, 9, 1)}
    load(warehouse, ["bridge-vote", "bridge-report"], days)
    assert dg.materialize([stories.stories], resources={"warehouse": warehouse}).success
    seen = []
    assign = stories.assign_stories
    monkeypatch.setattr(stories, "assign_stories", lambda new, earlier, *a, **k: seen.append(earlier) or assign(new, earlier, *a, **k))
    load(warehouse, ["bridge-funding", "orchestra-successor"], days)
    assert dg.materialize([stories.stories], resources={"warehouse": warehouse}).success
    (earlier,) = seen
    assert earlier.select("article_id", "story_id", "story_first_date", "story_first_article").rows() == [
        ("bridge-report", "s-bridge-vote", date(2024, 1, 1), "bridge-vote")]
    assert tables(warehouse)["links"] == [
        ("bridge-funding", "s-bridge-vote", "similar"),
        ("bridge-report", "s-bridge-vote", "similar"),
        ("bridge-vote", "s-bridge-vote", "new"),
        ("orchestra-successor", "s-orchestra-successor", "new"),
    ]


def candidate_tables():
    """An in-memory database with the tables stories_candidates.sql reads, empty."""
    import duckdb

    conn = duckdb.connect()
    conn.execute("CREATE TABLE story_postings (term VARCHAR, article_id VARCHAR, day INTEGER)")
    conn.execute("CREATE TABLE story_links (article_id VARCHAR, story_id VARCHAR)")
    conn.execute("CREATE TABLE article_texts (article_id VARCHAR, published_date DATE)")
    conn.execute("CREATE TABLE article_signatures (article_id VARCHAR, dup_group_id VARCHAR)")
    return conn


def test_candidates_are_the_stored_articles_sharing_most_features_ties_by_id():
    # The candidate query ranks only the pairs at or above a cut it reads off a histogram of
    # shared features: it must keep exactly the top CANDIDATES (shared count, then id) that a
    # plain ranking keeps, and every hit of a new article that has fewer than that.
    import random

    rnd = random.Random(3)
    conn = candidate_tables()
    day = date(2024, 5, 1)
    terms = [f"t{i}" for i in range(12)]
    shared = {}
    for i in range(40):
        aid = f"a{i:02d}"
        mine = rnd.sample(terms, rnd.randint(1, 6))
        shared[aid] = len(mine)
        conn.executemany("INSERT INTO story_postings VALUES (?, ?, ?)", [(t, aid, day.toordinal()) for t in mine])
        conn.execute("INSERT INTO story_links VALUES (?, ?)", [aid, f"s-{aid}"])
        conn.execute("INSERT INTO article_texts VALUES (?, ?)", [aid, day])
        conn.execute("INSERT INTO article_signatures VALUES (?, ?)", [aid, aid])
    # b0 and b1 share the rare term only: the second new article has two hits in all.
    for aid in ("b0", "b1"):
        conn.execute("INSERT INTO story_postings VALUES ('rare', ?, ?)", [aid, day.toordinal()])
        conn.execute("INSERT INTO story_links VALUES (?, ?)", [aid, f"s-{aid}"])
        conn.execute("INSERT INTO article_texts VALUES (?, ?)", [aid, day])
    query = pl.DataFrame(
        {"term": terms + ["rare"], "article_id": ["n1"] * len(terms) + ["n2"], "day": [day.toordinal()] * (len(terms) + 1),
         "qi": [1] * len(terms) + [2]},
        schema={"term": pl.String, "article_id": pl.String, "day": pl.Int32, "qi": pl.Int32})
    keep = 10
    conn.register("_query", query)
    conn.register("_ids", pl.DataFrame({"article_id": ["n1", "n2"]}))
    rows = conn.execute(db.read_sql("stories_candidates"), [60, keep, -(2**31), 2**31 - 1]).fetchall()
    got = [article for article, _ in rows]
    expected = sorted(sorted(shared, key=lambda a: (-shared[a], a))[:keep] + ["b0", "b1"])
    ranked = sorted(shared, key=lambda a: (-shared[a], a))
    cut = shared[ranked[keep - 1]]
    # The cut falls inside a count (ties broken by id) and above others.
    assert sum(v >= cut for v in shared.values()) > keep and shared[ranked[0]] > cut
    assert got == expected
    # Each row says which new article read it first: the second found only the two rare ones.
    assert sorted(a for a, first in rows if first == 2) == ["b0", "b1"]
    assert sorted(a for a, first in rows if first == 1) == sorted(ranked[:keep])


def load_reports(warehouse: WarehouseResource, numbers) -> None:
    """Reports of the bridge vote, each its own text (a numbered closing line), a day apart."""
    body = TEXTS["bridge-vote"].read_text(encoding="utf-8")
    ids = [f"report-{n:02d}" for n in numbers]
    frame = pl.DataFrame({
        "article_id": ids, "title": [None] * len(ids),
        "body": [f"{body}\nThis is report number {n} of the vote." for n in numbers],
        "published_date": [date(2024, 5, 1) + timedelta(days=n % 20) for n in numbers],
        "dup_group_id": ids, "source_path": ids, "record_index": [0] * len(ids), "outlet": ["Courier"] * len(ids),
    }, schema_overrides={"record_index": pl.Int32})
    with warehouse.write() as conn:
        store_articles(conn, frame, resolved=True)


def test_a_chunk_that_would_read_too_many_stored_articles_is_cut_shorter(tmp_path):
    # Twelve stored reports of one story; then four more. With chunks of two, and a chunk allowed
    # to read ten stored articles (story_read_rows): two new reports would read twelve or more, so each
    # chunk of two is cut to one article (three cuts; the last is one article anyway), and the
    # stories are those of a run taking one at a time.
    results = {}
    for size in (2, 1):
        warehouse = WarehouseResource(path=str(tmp_path / f"w{size}.duckdb"), chunk_size=size, story_read_limit=10)
        load_reports(warehouse, range(12))
        assert dg.materialize([stories.stories], resources={"warehouse": warehouse.model_copy(update={"chunk_size": 100})}).success
        load_reports(warehouse, range(12, 16))
        result = dg.materialize([stories.stories], resources={"warehouse": warehouse})
        meta = result.asset_materializations_for_node("stories")[0].metadata
        results[size] = (tables(warehouse), meta["chunks_cut_shorter"].value, meta["joined"].value)
    assert warehouse.story_read_rows == 10
    assert WarehouseResource(chunk_size=2).story_read_rows == 100  # by default 50 per article of a chunk
    (cut_tables, cut, joined), (one_tables, not_cut, _) = results[2], results[1]
    assert cut == 3 and not_cut == 0 and joined == 4
    assert cut_tables == one_tables
    assert len({story for _, story in cut_tables["articles"]}) == 1


def test_the_fitting_prefix_counts_each_stored_article_from_the_first_new_article_reading_it():
    # Three new articles; per stored article the position of the first one reading it (what
    # stories_candidates.sql returns): a, b and the copy (read whatever the cut) from the
    # first, c and d from the second, e from the third.
    first_readers = pl.Series("first_reader", [0, 0, 1, 1, 2, 0])  # a b c d e copy
    fits = stories.fitting_prefix
    assert fits(first_readers, 3, 6) == 3  # all three read six
    assert fits(first_readers, 3, 5) == 2  # the first two read a b c d copy
    assert fits(first_readers, 3, 4) == 1  # the first reads a b copy
    assert fits(first_readers, 3, 1) == 1  # at least one, whatever it reads


def test_the_scorer_gives_each_groups_cosines_by_every_path():
    # Every group present (body words, ^title words, @actors), rows that share some features:
    # the cached rows, the direct product of a block and the scored rows must all give what
    # group_cosines gives on the group's own columns.
    from assets.stories.features import ACTOR, BODY, TITLE, group_cosines, group_rows

    rng = np.random.default_rng(7)
    vocab = [f"w{i}" for i in range(30)] + [f"^t{i}" for i in range(8)] + [f"@a{i}" for i in range(6)]
    terms = {f"a{r}": {t: int(rng.integers(1, 4)) for t in rng.choice(vocab, size=12, replace=False)} for r in range(25)}
    ids = list(terms)
    df = {t: sum(t in c for c in terms.values()) for t in vocab}
    matrix = stories.tfidf_matrix(ids, terms, df, len(ids))
    days = np.full(len(ids), 738000.0)
    groups = group_rows(matrix)
    ra, rb = np.arange(0, 10), np.arange(5, 25)
    expected = {kind: group_cosines(groups[kind], ra, rb) for kind in (BODY, TITLE, ACTOR)}
    assert all(expected[kind].max() > 0.2 for kind in expected)  # each group has pairs to compare
    cached = PairScorer(matrix, days).features(ra, rb)
    direct = PairScorer(matrix, days)
    direct._cache_rows = 0
    directly = direct.features(ra, rb)
    for name, kind in (("body", BODY), ("title", TITLE), ("actors", ACTOR)):
        np.testing.assert_allclose(cached[name], expected[kind], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(directly[name], expected[kind], rtol=1e-12, atol=1e-15)
    # score_rows keeps the pairs at or above the threshold, with the block's probabilities.
    scorer = PairScorer(matrix, days)
    (cols, probs, _), = scorer.score_rows(np.array([0]), np.arange(len(ids)))
    everything = probability(PairScorer(matrix, days).features([0], np.arange(len(ids))), scorer.model)[0]
    keep = [c for c in range(1, len(ids)) if everything[c] >= LINK_THRESHOLD]
    assert cols.tolist() == keep
    np.testing.assert_allclose(probs, everything[keep], rtol=1e-12)


def test_weighing_rows_in_blocks_gives_the_same_matrix_entry_for_entry():
    # A chunk of a dense window weighs its rows a block at a time: each row's weights, its cut
    # to the TOP_FEATURES heaviest and its norm depend on the row alone, so the matrix must be
    # the same, to the bit and in the same order, whatever the block size (rows out of order
    # in the input, empty rows and rows cut to TOP_FEATURES included).
    from assets.stories.features import TOP_FEATURES, coded, weighted_rows

    rng = np.random.default_rng(3)
    rows, terms, counts = [], [], []
    for r in rng.permutation(23):
        width = 0 if r % 7 == 3 else int(rng.integers(1, TOP_FEATURES + 40))
        for t in rng.choice(2 * TOP_FEATURES, size=width, replace=False):
            rows.append(int(r))
            terms.append(("@" if t % 11 == 0 else "^" if t % 5 == 0 else "") + f"t{t:04d}")
            counts.append(int(rng.integers(1, 6)))
    codes, vocab = coded(pl.DataFrame({"row": rows, "term": terms, "count": counts}))
    df = pl.DataFrame({"term": vocab["term"], "df": rng.integers(1, 40, vocab.height)})
    whole = weighted_rows(23, codes, vocab, df, documents=50)
    assert max(np.diff(whole.indptr)) == TOP_FEATURES and min(np.diff(whole.indptr)) == 0
    for size in (1, 4, 22):
        blocks = weighted_rows(23, codes, vocab, df, documents=50, rows_per_block=size)
        assert blocks.shape == whole.shape
        assert blocks.indptr.tolist() == whole.indptr.tolist()
        assert blocks.indices.tolist() == whole.indices.tolist()
        assert blocks.data.tobytes() == whole.data.tobytes()
        assert blocks.kinds.tolist() == whole.kinds.tolist()


def test_features_are_numbered_in_term_order_and_weighted_as_tfidf():
    from assets.stories.features import coded, weighted_rows

    counts = pl.DataFrame({"row": [0, 0, 1, 1, 1], "term": ["b", "@x", "a", "b", "zero"], "count": [2, 1, 1, 3, 0]})
    codes, vocab = coded(counts)
    assert vocab["term"].to_list() == ["@x", "a", "b", "zero"]  # sorted
    assert codes.rows() == [(0, 2, 2), (0, 0, 1), (1, 1, 1), (1, 2, 3)]  # a zero count is no feature
    df = pl.DataFrame({"term": ["a", "b", "@x"], "df": [1, 2, 1]})
    m = weighted_rows(2, codes, vocab, df, documents=2).toarray()
    idf = {t: np.log(3) - np.log(d + 1) + 1 for t, d in (("a", 1), ("b", 2), ("@x", 1))}
    row0 = np.array([0.5 * idf["@x"], 0.0, (np.log(2) + 1) * idf["b"], 0.0])
    row1 = np.array([0.0, idf["a"], (np.log(3) + 1) * idf["b"], 0.0])
    np.testing.assert_allclose(m, np.vstack([row0 / np.linalg.norm(row0), row1 / np.linalg.norm(row1)]), rtol=1e-12)


def test_stored_features_are_numbered_as_if_they_were_rows():
    from assets.stories.features import coded, coded_with_stored

    new = pl.DataFrame({"row": [0, 0], "term": ["b", "^t"], "count": [1, 2]})
    stored = pl.DataFrame({"terms": [["a", "b"], [], ["@x", "a"]], "counts": [[2, 1], [], [1, 0]]},
                          schema={"terms": pl.List(pl.String), "counts": pl.List(pl.Int32)})
    codes, vocab = coded_with_stored(new, stored, 1)
    flat = pl.DataFrame({"row": [0, 0, 1, 1, 3, 3], "term": ["b", "^t", "a", "b", "@x", "a"], "count": [1, 2, 2, 1, 1, 0]})
    expected, expected_vocab = coded(flat)
    assert vocab.rows() == expected_vocab.rows()
    assert codes.rows() == expected.rows() == [(0, 3, 1), (0, 1, 2), (1, 2, 2), (1, 3, 1), (3, 0, 1)]


def test_a_single_new_article_gets_the_minimum_the_general_path_gives():
    # A single new article against any cluster (earlier articles, other new ones, both mixed,
    # some far apart in time) is the shortcut of exact_min: it must give what the general
    # path gives, to the bit, in both orders.
    from assets.stories.clustering import _Clusters

    rng = np.random.default_rng(3)
    vocab = [f"w{i}" for i in range(14)] + [f"^t{i}" for i in range(4)] + [f"@a{i}" for i in range(3)]
    n = 60
    terms = {f"a{r}": {t: int(rng.integers(1, 4)) for t in rng.choice(vocab, size=8, replace=False)} for r in range(n)}
    ids = list(terms)
    df = {t: sum(t in c for c in terms.values()) for t in vocab}
    matrix = stories.tfidf_matrix(ids, terms, df, n)
    days = 738000.0 + rng.integers(0, 150, size=n).astype(float)
    days[[5, 17]] = np.nan  # undated articles are compared with everything
    clusters = _Clusters(matrix, days)
    # New articles are scored against different rows (as parts of a chunk are, by their
    # weeks), so a pair's lookup can differ by which of its two articles is looked up.
    clusters.scorer.score_rows(np.arange(30, 50), np.arange(0, 45))
    clusters.scorer.score_rows(np.arange(50, n), np.arange(n))
    groups = [list(range(0, 12)), list(range(12, 15)), [15], [16, 17, 18, 19], list(range(20, 30)),
              [30, 31, 2], [32, 33, 34] + list(range(21, 29)), [35], [40, 41], [42, 43, 44]]
    for i, rows in enumerate(groups):
        clusters.add(f"c{i}", rows)
    singles = [r for r in range(36, n) if r not in range(40, 45)]
    for r in singles:
        clusters.add(f"n{r}", [r])
    seen = {"below": 0, "above": 0, "none": 0}
    for a in [f"n{r}" for r in singles]:
        for b in list(clusters.members):
            if a == b:
                continue
            for x, y in ((a, b), (b, a)):
                fast, general = clusters._single_min(x, y), clusters._general_min(x, y)
                assert fast is not False
                assert fast == general, (x, y, fast, general)
            seen["none" if general is None else "below" if general < LINK_THRESHOLD else "above"] += 1
    assert all(seen.values()), seen  # every outcome was compared
    assert clusters._single_min("c0", "c1") is False  # no single new article: the general path


@pytest.mark.parametrize("undated", [False, True])
def test_scoring_a_chunk_against_its_whole_window_keeps_the_same_pairs_and_values(monkeypatch, undated):
    from scipy import sparse

    from assets.stories import clustering

    rng = np.random.default_rng(3)
    n, width = 400, 900
    matrix = sparse.random(n, width, density=0.04, format="csr", random_state=5)
    matrix.data = rng.uniform(0.1, 3, len(matrix.data))
    matrix.kinds = rng.choice([0, 1, 2], width, p=[0.8, 0.1, 0.1]).astype(np.int8)
    days = np.sort(rng.integers(0, 600, n)).astype(float)  # ten windows: a part's window is a small share
    if undated:
        days[rng.choice(n, 10, replace=False)] = np.nan
    model = {**clustering.MODEL, "intercept": 30.0}  # most pairs that share a feature pass the threshold
    new_rows = list(range(0, n, 4))  # new articles over the whole span, oldest first
    pool = np.arange(n, dtype=np.int64)
    found = {}
    for slack in (0.0, 1e9):  # never / always the whole window
        monkeypatch.setattr(clustering, "WHOLE_WINDOW_SLACK", slack)
        scorer = PairScorer(matrix, days, model)
        pairs = list(clustering._candidate_pairs(matrix, days, new_rows, pool, chunk=16, scorer=scorer))
        found[slack] = (pairs, {r: (c.tolist(), p.tolist()) for r, (c, p) in scorer._scored.items()})
    assert len(found[0.0][0]) > 500  # enough pairs to compare
    assert found[0.0] == found[1e9]  # the same pairs, the same floats


def test_features_stored_by_term_name_before_migration_10_are_numbered_and_give_the_same_stories(tmp_path):
    """A warehouse of the release before term numbers (features hold their terms as strings, no
    `story_terms`, schema version 9) is upgraded in place: the next stories run numbers the
    stored features and assigns new articles exactly as a warehouse built by this release."""
    current, old = (WarehouseResource(path=str(tmp_path / f"{name}.duckdb")) for name in ("current", "old"))
    for warehouse in (current, old):
        load(warehouse, ["bridge-vote", "bridge-report", "orchestra"])
        assert dg.materialize([stories.stories], resources={"warehouse": warehouse}).success
    with old.write() as conn:  # back to how release 9 stored them
        conn.execute("""CREATE TABLE _named AS
                        SELECT u.article_id, list(n.term ORDER BY u.i) AS terms
                        FROM (SELECT article_id, unnest(term_ids) AS term_id, generate_subscripts(term_ids, 1) AS i
                              FROM story_features) AS u
                        JOIN story_terms AS n USING (term_id) GROUP BY u.article_id""")
        rows = conn.execute("SELECT f.article_id, f.content_hash, n.terms, f.counts FROM story_features AS f "
                            "JOIN _named AS n USING (article_id)").fetchall()
        conn.execute("DROP TABLE _named")
        conn.execute("DROP TABLE story_features")
        conn.execute("CREATE TABLE story_features (article_id VARCHAR PRIMARY KEY, content_hash VARCHAR, "
                     "terms VARCHAR[], counts INTEGER[])")
        conn.executemany("INSERT INTO story_features VALUES (?, ?, ?, ?)", rows)
        conn.execute("DROP TABLE story_terms")
        conn.execute("DROP TABLE dedup_common_keys")  # migration 11, after that release too
        conn.execute("DROP TABLE actor_unpublished")  # migration 12, likewise
        conn.execute("DELETE FROM schema_version WHERE version >= 10")
    db._MIGRATED.clear()  # this process opens the file again as a new run would
    for warehouse in (current, old):
        load(warehouse, ["bridge-funding", "orchestra-successor"])
        assert dg.materialize([stories.stories], resources={"warehouse": warehouse}).success
    assert tables(old) == tables(current)
    with old.read() as conn, current.read() as now:
        assert conn.execute("SELECT count(*) FROM story_features WHERE term_ids IS NULL OR terms IS NOT NULL").fetchone()[0] == 0
        numbers = ("SELECT u.article_id, n.term, u.c FROM (SELECT article_id, unnest(term_ids) AS term_id, "
                   "unnest(counts) AS c FROM story_features) AS u JOIN story_terms AS n USING (term_id) ORDER BY ALL")
        assert conn.execute(numbers).fetchall() == now.execute(numbers).fetchall()
        total, terms, ids = conn.execute("SELECT count(*), count(DISTINCT term), count(DISTINCT term_id) FROM story_terms").fetchone()
        assert total > 0 and total == terms == ids
        scores = "SELECT article_id, story_id, matched_article_id, score FROM story_links ORDER BY article_id"
        assert conn.execute(scores).fetchall() == now.execute(scores).fetchall()


def test_candidates_asked_for_in_parts_are_those_of_one_statement():
    # Eight new articles, sixty stored ones in stories of one to four articles over a few
    # months, and stored copies of two new ones: asked for an article at a time (or a few), the
    # candidates and their first readers are those of one statement.
    import random

    rnd = random.Random(5)
    conn = candidate_tables()
    terms = [f"t{i}" for i in range(15)]
    first = date(2024, 5, 1)
    for i in range(60):
        aid, day = f"a{i:02d}", first + timedelta(days=rnd.randrange(150))
        conn.executemany("INSERT INTO story_postings VALUES (?, ?, ?)",
                         [(t, aid, day.toordinal()) for t in rnd.sample(terms, rnd.randint(1, 5))])
        conn.execute("INSERT INTO story_links VALUES (?, ?)", [aid, f"s{i // rnd.randint(1, 4)}"])
        conn.execute("INSERT INTO article_texts VALUES (?, ?)", [aid, day])
        conn.execute("INSERT INTO article_signatures VALUES (?, ?)", [aid, "g-n1" if i == 7 else "g-n5" if i == 30 else aid])
    new = [f"n{i}" for i in range(8)]
    conn.executemany("INSERT INTO article_signatures VALUES (?, ?)", [(n, f"g-{n}") for n in new])
    rows = [(t, n, (first + timedelta(days=20 * i)).toordinal()) for i, n in enumerate(new) for t in rnd.sample(terms, 4)]
    query = (pl.DataFrame(rows, schema={"term": pl.String, "article_id": pl.String, "day": pl.Int32}, orient="row")
             .with_columns(pl.col("article_id").str.slice(1).cast(pl.Int32).alias("qi")))
    whole = stories.find_candidates(conn, new, query, budget=10**9)
    assert whole.height > 20 and {"a07", "a30"} <= set(whole["article_id"])  # the copies of n1 and n5
    assert whole.filter(pl.col("article_id").is_in(["a07", "a30"]))["first_reader"].to_list() == [0, 0]
    for budget in (1, 5, 40):
        assert stories.find_candidates(conn, new, query, budget=budget).rows() == whole.rows()
    assert stories.candidate_parts(pl.DataFrame({"qi": [2, 0, 1], "hits": [5, 4, 3]}), 7) == [[0, 1], [2]]
    assert stories.candidate_parts(pl.DataFrame({"qi": [0, 1], "hits": [9, 1]}), 7) == [[0], [1]]
