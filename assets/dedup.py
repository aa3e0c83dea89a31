"""Duplicate detection: give every article a dup_group_id shared with its exact and near copies.

An article often arrives several times: the same wire copy from several outlets, or one story
as a saved HTML page, a whole-page text copy (navigation and footers included) and a feed
record with the clean body. Exact copies share a content_hash. Near copies are found with
MinHash signatures over word shingles and LSH band buckets (datasketch's, computed in numpy),
which catch copies whose texts mostly agree (Jaccard); a clean body inside a much longer,
noisier page copy has a low Jaccard, so a second sketch, a content-defined sample of the
shingle hashes (Broder's "mod-m" sketch), measures containment: the share of the smaller text
found in the other. Each new article is looked up only through its own buckets and samples
(SQL against the stored signatures), never against every earlier article, and joins the group
of what it copies. Copies are linked in `duplicates`, never dropped.
"""

import re
import zlib
from functools import lru_cache

import dagster as dg
import numpy as np
import polars as pl

from assets.preview import frame_markdown
from assets.progress import Progress, chunked
from pipelines.resources import WarehouseResource
from warehouse import db

SHINGLE_WORDS = 5
NUM_PERM = 128
MINHASH_SEED = 1
# Thresholds measured on the pages-dev split (three forms of each of 93 articles) through the
# whole pipeline: the feed body, the extracted HTML body and the cleaned whole-page text copy
# of one article reach a containment of 0.81 or more (one pair 0.67, on a 6-sample excerpt),
# while different articles stay at or below 0.49. Uncleaned page copies of one site share
# their navigation (containment up to 0.89, Jaccard 0.71), which the cleaning step removes.
# Jaccard at or above which two texts count as near copies.
JACCARD_THRESHOLD = 0.75
# Share of the smaller text's sampled shingles found in the other.
CONTAINMENT_THRESHOLD = 0.8
# LSH buckets are tuned for a lower Jaccard than the decision, so that borderline copies still
# become candidates (their containment then decides).
LSH_THRESHOLD = 0.5
# Keep one shingle hash in SAMPLE_MOD; containment needs a few shared samples to be trusted.
SAMPLE_MOD = 8
MIN_SHARED_SAMPLES = 4
# A sampled shingle found in more earlier articles than this is boilerplate (a site's footer,
# a standard disclaimer) and is no evidence of copying. Once that common, a shingle stays
# boilerplate (`dedup_common_keys`; migration 11 marked the stored ones with this value).
SAMPLE_MAX_ARTICLES = 50
# Candidate pairs whose signatures are compared at once (score_pairs).
PAIR_BLOCK = 20_000
# New articles whose shared keys candidate_pairs joins at a time.
NEW_BLOCK = 100



# datasketch's optimal LSH bands and rows for LSH_THRESHOLD and NUM_PERM with equal weights on
# false positives and negatives (`datasketch.lsh._optimal_param(0.5, 128, 0.5, 0.5)`): written
# down, since finding them integrates with scipy, which with datasketch cost a second at every
# run's first dedup chunk; a test recomputes them with datasketch.
LSH_BANDS_AND_ROWS = (25, 5)


_WORD = re.compile(r"\w+")
_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)

SIGNATURE_SCHEMA = {
    "article_id": pl.String,
    "source_path": pl.String,
    "dup_group_id": pl.String,
    "content_hash": pl.String,
    "shingles": pl.Int32,
    "minhash": pl.List(pl.UInt64),
    "lsh_bands": pl.List(pl.UInt64),
    "shingle_sample": pl.List(pl.UInt64),
}
DUPLICATE_SCHEMA = {
    "article_id": pl.String,
    "duplicate_of": pl.String,
    "similarity": pl.Float64,
    "method": pl.String,
    "jaccard": pl.Float64,
    "containment": pl.Float64,
}


@lru_cache(maxsize=500_000)
def _word_hash(word: str) -> int:
    # crc32 is stable across processes and Python versions, unlike hash().
    return zlib.crc32(word.encode("utf-8"))


def _fmix64(h: np.ndarray) -> np.ndarray:
    # MurmurHash3's finaliser: spreads the combined word hashes over all 64 bits, so the low
    # bits (used for sampling) and the high bits (fed to MinHash) are independent.
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xFF51AFD7ED558CCD)
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xC4CEB93FE53B2F4F)
    return h ^ (h >> np.uint64(33))


def shingle_hashes(text: str | None, k: int = SHINGLE_WORDS) -> np.ndarray:
    """Distinct 64-bit hashes of the k-word shingles of `text` (lower-cased \\w+ words).

    A text shorter than k words is one shingle of all its words; an empty text has none."""
    words = _WORD.findall((text or "").lower())
    if not words:
        return np.zeros(0, dtype=np.uint64)
    w = np.fromiter((_word_hash(x) for x in words), dtype=np.uint64, count=len(words))
    if len(w) < k:
        w = np.concatenate([w, np.zeros(k - len(w), dtype=np.uint64)])
    n = len(w) - k + 1
    h = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for i in range(k):
            h = h * np.uint64(1_000_003) + w[i : i + n]
        h = _fmix64(h)
    return np.unique(h)


# Shingles per block when computing a signature (a block holds MINHASH_BLOCK x NUM_PERM values).
MINHASH_BLOCK = 8192
# MurmurHash3's 32-bit finalizer constants, as datasketch's affine32 scheme mixes its inputs.
_FMIX32 = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35), np.uint32(16))


@lru_cache(maxsize=1)
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """(a, b) of the NUM_PERM affine permutations h -> a*h + b mod 2^32, drawn from MINHASH_SEED
    as datasketch 2's MinHash draws them (scheme affine32): an odd `a`, any `b`."""
    gen = np.random.RandomState(MINHASH_SEED)
    a = gen.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a, b


def _minhash(hashes: np.ndarray) -> np.ndarray:
    """The MinHash signature of a text's shingle hashes: what datasketch 2's
    `MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED, hashfunc=int).update_batch(hashes >> 32)` holds
    (the values are the signatures stored since the first release), computed as one array
    operation; importing datasketch and scipy for it cost a second a run, and its per-call
    checks a fifth of the step (a test compares the two)."""
    s1, m1, s2, m2, s3 = _FMIX32
    hv = (hashes >> np.uint64(32)).astype(np.uint32)
    hv = hv ^ (hv >> s1)
    hv = hv * m1
    hv = hv ^ (hv >> s2)
    hv = hv * m2
    hv = hv ^ (hv >> s3)
    a, b = _permutations()
    # A block of shingles at a time: a page of a million words would otherwise hold a million
    # rows of NUM_PERM values at once.
    least = np.full(NUM_PERM, np.iinfo(np.uint32).max, dtype=np.uint32)
    for start in range(0, len(hv), MINHASH_BLOCK):
        block = hv[start:start + MINHASH_BLOCK]
        least = np.minimum(least, (block[:, None] * a[None, :] + b[None, :]).min(axis=0))
    return least.astype(np.uint64)


def _band_keys(minhash: np.ndarray) -> list[int]:
    # One key per band, the band number mixed in so that all bands can share one list column.
    keys = []
    bands, rows = LSH_BANDS_AND_ROWS
    for b in range(bands):
        part = minhash[b * rows : (b + 1) * rows]
        keys.append(zlib.crc32(part.tobytes(), b) | (b << 32))
    return keys


def signatures(articles: pl.DataFrame) -> pl.DataFrame:
    """One signature row per article: MinHash, LSH band keys and the shingle sample.

    `dup_group_id` is left null here; `assign_groups` fills it."""
    rows = {k: [] for k in ("minhash", "lsh_bands", "shingle_sample", "shingles")}
    for body in articles["body"].to_list():
        h = shingle_hashes(body)
        mh = _minhash(h)
        rows["minhash"].append(mh.tolist())
        # A text with no words would share its (empty) buckets with every other one.
        rows["lsh_bands"].append(_band_keys(mh) if len(h) else [])
        rows["shingle_sample"].append(np.sort(h[(h & np.uint64(SAMPLE_MOD - 1)) == 0]).tolist())
        rows["shingles"].append(len(h))
    return pl.DataFrame(
        {
            "article_id": articles["article_id"],
            "source_path": articles["source_path"],
            "dup_group_id": pl.Series([None] * articles.height, dtype=pl.String),
            "content_hash": articles["content_hash"],
            "shingles": pl.Series(rows["shingles"], dtype=pl.Int32),
            "minhash": pl.Series(rows["minhash"], dtype=pl.List(pl.UInt64)),
            "lsh_bands": pl.Series(rows["lsh_bands"], dtype=pl.List(pl.UInt64)),
            "shingle_sample": pl.Series(rows["shingle_sample"], dtype=pl.List(pl.UInt64)),
        },
        schema=SIGNATURE_SCHEMA,
    )


def candidate_pairs(new: pl.DataFrame, pool: pl.DataFrame) -> pl.DataFrame:
    """Pairs (article_id in `new`, other in `pool`) sharing a content hash, an LSH bucket or
    enough sampled shingles, with the evidence: exact (bool), shared_samples."""
    pool = pool.filter(pl.col("article_id").is_not_null())
    # Articles by number while keys are joined: the joined frames hold a row per shared key,
    # and two string ids a row (about 32 bytes each as polars holds them, against 4 for a
    # number) made them several times larger: the step's peak at 100k articles.
    numbers = pl.concat([new.select("article_id"), pool.select("article_id")]).unique(maintain_order=True)
    numbers = numbers.with_row_index("n")

    def keyed(frame: pl.DataFrame, col: str) -> pl.DataFrame:
        return (frame.select("article_id", pl.col(col).alias("key")).join(numbers, on="article_id", how="left")
                .select(pl.col("n").alias("a"), "key").explode("key").drop_nulls("key"))

    def named(frame: pl.DataFrame) -> pl.DataFrame:
        ids = numbers.rename({"n": "a"})
        others = numbers.rename({"n": "b", "article_id": "other"})
        return frame.join(ids, on="a").join(others, on="b").drop("a", "b")

    # Texts without a word all share one hash but are no copies of each other.
    exact = (
        new.filter(pl.col("shingles") > 0)
        .select("article_id", "content_hash")
        .join(pool.select(pl.col("article_id").alias("other"), "content_hash"), on="content_hash")
        .select("article_id", "other", pl.lit(True).alias("exact"))
    )
    new_bands, pool_bands = keyed(new, "lsh_bands"), keyed(pool, "lsh_bands").rename({"a": "b"})
    pool_samples = keyed(pool, "shingle_sample")
    common = pool_samples.group_by("key").agg(pl.len().alias("n")).filter(pl.col("n") > SAMPLE_MAX_ARTICLES)
    new_samples = keyed(new, "shingle_sample")
    pool_samples = pool_samples.join(common, on="key", how="anti").rename({"a": "b"})
    # A block of new articles at a time (the new articles are numbered first): the joins hold a
    # row per shared key, which in news that repeats sentences was millions of rows a chunk
    # (the dedup step's peak at 100k articles, docs/performance.md). Each pair's key counts
    # come from its own new article's rows, so the blocks give the pairs of one join.
    band_parts, sample_parts = [], []
    for first in range(0, max(new.height, 1), NEW_BLOCK):
        block = pl.col("a").is_between(first, first + NEW_BLOCK - 1)
        band_parts.append(new_bands.filter(block).join(pool_bands, on="key").select("a", "b").unique())
        sample_parts.append(
            new_samples.filter(block).join(pool_samples, on="key")
            .group_by("a", "b")
            .agg(pl.len().cast(pl.Int32).alias("shared_samples"))
            .filter(pl.col("shared_samples") >= MIN_SHARED_SAMPLES))
    bands = named(pl.concat(band_parts))
    samples = named(pl.concat(sample_parts))
    pairs = (
        pl.concat([exact.select("article_id", "other"), bands, samples.select("article_id", "other")])
        .unique()
        .filter(pl.col("article_id") != pl.col("other"))
        .join(exact, on=["article_id", "other"], how="left")
        .join(samples, on=["article_id", "other"], how="left")
        .with_columns(pl.col("exact").fill_null(False), pl.col("shared_samples").fill_null(0))
    )
    return pairs.sort("article_id", "other")


def score_pairs(pairs: pl.DataFrame, sigs: pl.DataFrame) -> pl.DataFrame:
    """Similarity of each candidate pair and whether it is a copy: columns article_id, other,
    jaccard (MinHash estimate), containment (sampled shingles of the smaller text found in the
    other), similarity, method (exact | near | containment | null when no copy)."""
    if pairs.height == 0:
        return pairs.with_columns(
            pl.lit(None, pl.Float64).alias("jaccard"),
            pl.lit(None, pl.Float64).alias("containment"),
            pl.lit(None, pl.Float64).alias("similarity"),
            pl.lit(None, pl.String).alias("method"),
        )
    index = {a: i for i, a in enumerate(sigs["article_id"].to_list())}
    # Straight from the list column's values, not through a Python int per value (several times the bytes).
    minhash = sigs["minhash"].explode().to_numpy().astype(np.uint64, copy=False).reshape(sigs.height, -1)
    samples = sigs["shingle_sample"].list.len().to_numpy()
    shingles = sigs["shingles"].fill_null(0).to_numpy()
    ia = np.array([index[a] for a in pairs["article_id"].to_list()], dtype=np.int64)
    ib = np.array([index[b] for b in pairs["other"].to_list()], dtype=np.int64)
    both = (shingles[ia] > 0) & (shingles[ib] > 0)
    # Compared a block of pairs at a time: two rows of the signature matrix per pair at once
    # would hold hundreds of megabytes for a chunk's pairs in a dense corpus.
    jac = np.zeros(len(ia))
    for start in range(0, len(ia), PAIR_BLOCK):
        a, b = ia[start:start + PAIR_BLOCK], ib[start:start + PAIR_BLOCK]
        jac[start:start + PAIR_BLOCK] = (minhash[a] == minhash[b]).mean(axis=1)
    jac = np.where(both, jac, 0.0)
    shared = pairs["shared_samples"].to_numpy()
    smaller = np.minimum(samples[ia], samples[ib])
    con = np.where((smaller > 0) & (shared >= MIN_SHARED_SAMPLES), shared / np.maximum(smaller, 1), 0.0)
    out = pairs.with_columns(pl.Series("jaccard", jac), pl.Series("containment", con))
    return out.with_columns(
        pl.when(pl.col("exact"))
        .then(pl.lit(1.0))
        .otherwise(pl.max_horizontal("jaccard", "containment"))
        .alias("similarity"),
        pl.when(pl.col("exact"))
        .then(pl.lit("exact"))
        .when(pl.col("jaccard") >= JACCARD_THRESHOLD)
        .then(pl.lit("near"))
        .when(pl.col("containment") >= CONTAINMENT_THRESHOLD)
        .then(pl.lit("containment"))
        .otherwise(pl.lit(None, pl.String))
        .alias("method"),
    )


def assign_groups(
    new_sigs: pl.DataFrame, earlier: pl.DataFrame, order: list[str] | None = None
) -> dict[str, pl.DataFrame]:
    """Group the new articles with their copies among themselves and among `earlier` articles
    (signature rows with their dup_group_id), never renaming an earlier group.

    `order`: new article_ids oldest first (e.g. by published_date), so that a copy points at
    the article it copies; defaults to article_id order.
    Returns {"assignments": article_id, dup_group_id; "signatures": new_sigs with dup_group_id;
    "duplicates": article_id, duplicate_of, similarity, method, jaccard, containment}."""
    order = order or sorted(new_sigs["article_id"].to_list())
    rank = {a: i for i, a in enumerate(order)}
    earlier = earlier.filter(~pl.col("article_id").is_in(new_sigs["article_id"].implode()))
    pool = pl.concat([earlier.select(SIGNATURE_SCHEMA.keys()), new_sigs.select(SIGNATURE_SCHEMA.keys())])
    scored = score_pairs(candidate_pairs(new_sigs, pool), pool).filter(pl.col("method").is_not_null())
    earlier_group = dict(zip(earlier["article_id"].to_list(), earlier["dup_group_id"].to_list()))

    # Each new article, taken oldest first, copies the best-matching article that is either
    # earlier-loaded or an older new one; it joins that article's group.
    matches: dict[str, list[tuple[float, str, dict]]] = {}
    for row in scored.iter_rows(named=True):
        matches.setdefault(row["article_id"], []).append((row["similarity"], row["other"], row))
    group: dict[str, str] = {}
    links = []
    for a in order:
        best = None
        for sim, other, row in matches.get(a, []):
            if other in earlier_group:
                key = (1, sim, other)  # an earlier-loaded group wins over a new one
            elif other in group:
                key = (0, sim, other)
            else:
                continue
            if best is None or key > best[0]:
                best = (key, other, row)
        if best is None:
            group[a] = a
            continue
        _, other, row = best
        group[a] = earlier_group.get(other) or group[other]
        links.append(
            {
                "article_id": a,
                "duplicate_of": other,
                "similarity": row["similarity"],
                "method": row["method"],
                "jaccard": row["jaccard"],
                "containment": row["containment"],
            }
        )
    assignments = pl.DataFrame(
        {"article_id": order, "dup_group_id": [group[a] for a in order]},
        schema={"article_id": pl.String, "dup_group_id": pl.String},
    )
    sigs = new_sigs.drop("dup_group_id").join(assignments, on="article_id", how="left").select(SIGNATURE_SCHEMA.keys())
    return {
        "assignments": assignments,
        "signatures": sigs,
        "duplicates": pl.DataFrame(links, schema=DUPLICATE_SCHEMA),
    }


def earlier_candidates(conn, new_sigs: pl.DataFrame) -> pl.DataFrame:
    """Stored signatures of earlier articles that could be copies of the new ones: same
    content hash, a shared LSH bucket or a shared (not boilerplate) shingle sample."""
    lookup = pl.concat(
        [
            new_sigs.select(pl.col("lsh_bands").alias("key"), pl.lit("band").alias("kind")).explode("key"),
            new_sigs.select(pl.col("shingle_sample").alias("key"), pl.lit("sample").alias("kind")).explode("key"),
        ]
    ).drop_nulls("key").unique()
    with db.registered(conn, _dedup_keys=lookup, _dedup_new=new_sigs.select("article_id", "source_path", "content_hash")):
        found = db.query_frame(conn, db.read_sql("dedup_candidates"), [MIN_SHARED_SAMPLES])
    if found.height == 0:
        return pl.DataFrame(schema=SIGNATURE_SCHEMA)
    return found.select([pl.col(c).cast(t) for c, t in SIGNATURE_SCHEMA.items()])


def store_signatures(conn, signatures: pl.DataFrame, duplicates: pl.DataFrame | None = None) -> None:
    """Write signatures (with their groups), their lookup keys and duplicate links, replacing
    what the same articles had; the caller holds the transaction. Sampled shingles that more
    than SAMPLE_MAX_ARTICLES stored articles hold become boilerplate keys (`dedup_common_keys`)
    and leave `dedup_keys`: the candidate lookup skips them anyway, and at 100k articles they
    were half the rows every chunk joined through."""
    duplicates = duplicates if duplicates is not None else pl.DataFrame(schema=DUPLICATE_SCHEMA)
    with db.registered(conn, _signatures=signatures.select(SIGNATURE_SCHEMA.keys()), _duplicates=duplicates):
        conn.execute(db.read_sql("dedup_write_chunk"))
        conn.execute(db.read_sql("dedup_mark_common"), [SAMPLE_MAX_ARTICLES])
        conn.execute(db.read_sql("dedup_drop_common"))


def deduplicate(
    articles: pl.DataFrame, earlier: pl.DataFrame | None = None, new_sigs: pl.DataFrame | None = None
) -> dict[str, pl.DataFrame]:
    """Signatures and groups for `articles` (cleaned_articles frame) against `earlier`
    signature rows (none when None); `new_sigs`: the articles' signatures if already made."""
    new_sigs = signatures(articles) if new_sigs is None else new_sigs
    order = articles.sort("published_date", "article_id", nulls_last=True)["article_id"].to_list()
    earlier = earlier if earlier is not None else pl.DataFrame(schema=SIGNATURE_SCHEMA)
    return assign_groups(new_sigs, earlier, order)


@dg.asset(group_name="dedup", kinds={"duckdb", "polars"}, deps=["cleaned_articles"])
def deduplicated_articles(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Exact and near copies: every cleaned article not compared yet gets a signature and a
    dup_group_id (`article_signatures`, shown as `articles.dup_group_id`), shared with its
    copies among earlier articles and among each other; each copy is linked to the article it
    copies in `duplicates`. Oldest first, chunk by chunk."""
    with warehouse.write() as conn, db.transaction(conn):
        removed = conn.execute(db.read_sql("dedup_remove_stale")).fetchone()[0]
        pending = db.query_frame(conn, db.read_sql("dedup_pending"))["article_id"].to_list()
    size = warehouse.chunk_size
    chunks = chunked(pending, size)
    progress = Progress(context.log, "dedup", len(pending), len(chunks))
    copies, candidates = [], 0
    for ids in chunks:
        with warehouse.write() as conn:
            articles = db.query_frame(conn, db.read_sql("dedup_articles", ids=ids))
            new_sigs = signatures(articles)
            earlier = earlier_candidates(conn, new_sigs)
        result = deduplicate(articles, earlier, new_sigs)
        with warehouse.write() as conn, db.transaction(conn):
            store_signatures(conn, result["signatures"], result["duplicates"])
        warehouse.release_memory()  # the blocks the chunk read and wrote: docs/performance.md
        copies.append(result["duplicates"])
        candidates += earlier.height
        progress.step(len(ids))
    dups = pl.concat(copies) if copies else pl.DataFrame(schema=DUPLICATE_SCHEMA)
    context.log.info(f"{len(pending)} articles compared, {dups.height} copies; {removed} stale signatures removed")
    by_method = dups.group_by("method").len().sort("method")
    return dg.MaterializeResult(
        metadata={
            "articles": len(pending),
            "copies": dups.height,
            "stale_removed": removed,
            "earlier_candidates": candidates,
            "by_method": dg.MetadataValue.md(frame_markdown(by_method.rename({"len": "copies"}))),
        },
    )
