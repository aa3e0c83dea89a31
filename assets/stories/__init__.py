"""Stories: the asset that gives every ready article a story, chunk by chunk, and keeps the
stories' state in the warehouse (links, per-article features, the inverted index of features,
document frequencies, merges, the `stories` rows). The features are in `features`, the
candidates in `candidates`, the agglomeration and its merge model in `clustering`.
"""

from collections import Counter
from datetime import datetime, timezone

import dagster as dg
import polars as pl

from assets.preview import frame_markdown
from assets.progress import Progress, chunked
from assets.stories.candidates import CANDIDATES, posting_rows
from assets.stories.clustering import WINDOW_DAYS, assign_stories, cluster
from assets.stories.features import (
    article_terms, coded_with_stored, document_frequencies, exploded, headline, tfidf_matrix, weighted_rows, words,
)

FEATURE_SCHEMA = {"article_id": pl.String, "content_hash": pl.String,
                  "terms": pl.List(pl.String), "counts": pl.List(pl.Int32)}

__all__ = ["stories", "assign_stories", "cluster", "article_terms", "headline", "words", "WINDOW_DAYS",
           "tfidf_matrix"]
from pipelines.resources import WarehouseResource
from warehouse import db


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def feature_rows(terms: dict[str, Counter], content_hashes: dict[str, str]) -> pl.DataFrame:
    """story_features rows: per article its feature counts as parallel term and count lists."""
    ids = list(terms)
    return pl.DataFrame(
        {
            "article_id": ids,
            "content_hash": [content_hashes.get(a) for a in ids],
            "terms": [list(terms[a].keys()) for a in ids],
            "counts": [list(terms[a].values()) for a in ids],
        },
        schema=FEATURE_SCHEMA,
    )


TERM_SCHEMA = {"term": pl.String, "term_id": pl.Int32}


def numbered_features(conn, features: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """story_features rows with their terms by number (`term_ids`, in the order of `terms`),
    and the `story_terms` rows of the terms numbered for the first time (the next numbers, in
    the terms' sorted order). `features`: article_id, content_hash, terms, counts."""
    distinct = features.select(pl.col("terms").explode().alias("term")).drop_nulls().unique()
    with db.registered(conn, _terms=distinct):
        known = db.query_frame(conn, db.read_sql("stories_term_ids"))
    largest = int(known["largest"].max() or 0)
    known = known.drop_nulls("term").select(pl.col("term"), pl.col("term_id").cast(pl.Int32))
    new = (distinct.join(known, on="term", how="anti").sort("term").with_row_index("i")
           .select("term", (pl.col("i") + largest + 1).cast(pl.Int32).alias("term_id")))
    numbers = pl.concat([known, new])
    numbered = features.select(
        "article_id", "content_hash",
        pl.col("terms").list.eval(pl.element().replace_strict(numbers["term"], numbers["term_id"], default=None,
                                                              return_dtype=pl.Int32)).alias("term_ids"),
        "counts")
    return numbered, new.select(list(TERM_SCHEMA)).cast(TERM_SCHEMA)


def stored_terms(frame: pl.DataFrame) -> dict[str, Counter]:
    """Feature counts per article from stored story_features rows (article_id, terms, counts)."""
    return {a: Counter(dict(zip(t or [], c or []))) for a, t, c in frame.select("article_id", "terms", "counts").iter_rows()}


def _chunk_terms(conn, ids: list[str]) -> tuple[pl.DataFrame, dict[str, Counter]]:
    articles = db.query_frame(conn, db.read_sql("stories_chunk_articles", ids=ids))
    mentions = db.query_frame(conn, db.read_sql("stories_chunk_mentions", ids=ids))
    return articles, article_terms(articles, mentions)


def _frequencies(conn, terms: pl.DataFrame, new_df: pl.DataFrame) -> pl.DataFrame:
    """Document frequencies (term, df) of the features in `terms` (a `term` column): the stored
    counts plus this chunk's (`new_df`). Only the chunk's features are read, not the vocabulary."""
    with db.registered(conn, _terms=terms.select("term").unique()):
        stored = db.query_frame(conn, db.read_sql("stories_term_df"))
    return (pl.concat([stored.cast({"df": pl.Int64}), new_df.cast({"df": pl.Int64})])
            .group_by("term").agg(pl.col("df").sum()))


def _day_range(days: pl.Series) -> tuple[int, int]:
    """The days (ordinals) a chunk's articles may find candidates in: from WINDOW_DAYS before the
    first to WINDOW_DAYS after the last; every day when one of them is undated."""
    if days.is_empty() or days.null_count():
        return -(2**31), 2**31 - 1
    return int(days.min()) - WINDOW_DAYS, int(days.max()) + WINDOW_DAYS


def _prepared_terms(conn, ids: list[str], prepared: tuple[pl.DataFrame, dict[str, Counter]] | None):
    """`_chunk_terms` of `ids`, taking the articles `prepared` holds from it."""
    if prepared is None:
        return _chunk_terms(conn, ids)
    held = set(prepared[0]["article_id"].to_list())
    missing = [a for a in ids if a not in held]
    frames, terms = [prepared[0].filter(pl.col("article_id").is_in(ids))], {a: prepared[1][a] for a in ids if a in held}
    if missing:
        more, more_terms = _chunk_terms(conn, missing)
        frames.append(more)
        terms.update(more_terms)
    order = {a: i for i, a in enumerate(ids)}
    new = pl.concat(frames).sort(pl.col("article_id").replace_strict(order, return_dtype=pl.Int64))
    return new, {a: terms[a] for a in new["article_id"].to_list() if a in terms}


# Pairs (new article, stored article sharing one of its posted features) one candidates
# statement gathers at most, by the bound of stories_term_hits.sql: DuckDB holds them while it
# counts and ranks them. A late chunk of a 100k-article year gathered 3.3 million in one
# statement (docs/performance.md); a sparser chunk is one statement, as before.
CANDIDATE_PAIR_BUDGET = 1_000_000


def candidate_parts(bounds: pl.DataFrame, budget: int = CANDIDATE_PAIR_BUDGET) -> list[list[int]]:
    """The new articles' keys (`qi`) in runs of consecutive keys whose pair bounds (`bounds`:
    qi, hits) add up to about `budget` (a run exceeds it by at most its last article's bound;
    an article beyond it alone is a run of its own)."""
    parts: list[list[int]] = []
    total = 0
    for qi, hits in bounds.sort("qi").select("qi", "hits").iter_rows():
        if not parts or (total + hits > budget and parts[-1]):
            parts.append([])
            total = 0
        parts[-1].append(qi)
        total += hits
    return parts


def find_candidates(conn, ids: list[str], query: pl.DataFrame, budget: int = CANDIDATE_PAIR_BUDGET) -> pl.DataFrame:
    """stories_candidates.sql's rows (article_id, first_reader) for the new articles `ids`, whose
    posted features are `query` (term, article_id, day, qi), asked for in parts of about
    `budget` pairs (`candidate_parts`; one statement when nothing is posted: the new articles'
    copies are read all the same); the same rows as one statement."""
    days = _day_range(query["day"])
    with db.registered(conn, _terms=query.select("term").unique()):
        hits = db.query_frame(conn, db.read_sql("stories_term_hits"), list(days))
    bounds = (query.join(hits, on="term", how="left").group_by("qi")
              .agg(pl.col("hits").fill_null(0).sum()))
    sql, found = db.read_sql("stories_candidates"), []
    for part in candidate_parts(bounds, budget) or [[]]:
        asked = query.filter(pl.col("qi").is_in(part))
        with db.registered(conn, _ids=db.keys_frame("article_id", ids), _query=asked):
            found.append(db.query_frame(conn, sql, [WINDOW_DAYS, CANDIDATES, *days]))
    if len(found) == 1:
        return found[0]
    return pl.concat(found).group_by("article_id").agg(pl.col("first_reader").min()).sort("article_id")


class TooMuchToRead(Exception):
    """A chunk's new articles would read more stored articles than it may: the first `fits`
    of them read no more (at least one), and `prepared` holds their texts and features."""

    def __init__(self, read: int, fits: int, prepared: tuple[pl.DataFrame, dict[str, Counter]]):
        super().__init__(f"{read} stored articles to read; the first {fits} new articles read no more than allowed")
        self.read, self.fits, self.prepared = read, fits, prepared


def fitting_prefix(first_readers: pl.Series, new_articles: int, max_read: int) -> int:
    """How many of a chunk's first `new_articles` new articles read at most `max_read` stored
    articles together (at least one). `first_readers`: per stored article to read, the position
    in the chunk of the first new article reading it (stories_candidates.sql; 0 for a copy of a
    new article, read whatever the cut)."""
    first = first_readers.sort()
    if first.len() <= max_read:
        return new_articles
    return max(1, int(first[max_read]))


def assign_chunk(conn, ids: list[str], now: datetime, max_read: int | None = None,
                 prepared: tuple[pl.DataFrame, dict[str, Counter]] | None = None) -> dict[str, pl.DataFrame]:
    """Stories for the articles `ids`: reads their texts and actors and the stored features of
    the articles they could join, and returns the frames the chunk writes. Raises
    TooMuchToRead when more than one article would read more than `max_read` stored ones
    (with what it has prepared: `prepared`, the texts and features of a longer run of
    articles that holds `ids`, saves reading and stemming them again)."""
    new, terms = _prepared_terms(conn, ids, prepared)
    features = feature_rows(terms, dict(new.select("article_id", "content_hash").iter_rows()))
    new_counts = exploded(features)
    new_df = document_frequencies(terms)
    documents = int(conn.execute("SELECT coalesce(sum(documents), 0) FROM story_corpus").fetchone()[0]) + new.height
    df_new = _frequencies(conn, new_counts, new_df)
    # The new articles look up candidates with the features they will post themselves.
    postings = posting_rows(terms, dict(new.select("article_id", "published_date").iter_rows()),
                            dict(zip(df_new["term"], df_new["df"])), documents)
    # Each new article's key in the query is its position in the chunk (`qi`).
    order = pl.DataFrame({"article_id": ids, "qi": range(len(ids))}, schema={"article_id": pl.String, "qi": pl.Int32})
    query = postings.join(order, on="article_id", how="inner", maintain_order="left")
    candidates = find_candidates(conn, ids, query)
    read = candidates.select("article_id")
    if max_read is not None and len(ids) > 1 and read.height > max_read:
        raise TooMuchToRead(read.height, fitting_prefix(candidates["first_reader"], len(ids), max_read), (new, terms))
    # What the chunk's text and candidate reads cached goes back before the window is read:
    # at 100k the window read otherwise added to 206 MiB of their blocks (docs/performance.md).
    db.release_memory(conn)
    with db.registered(conn, _earlier=read):
        earlier = db.query_frame(conn, db.read_sql("stories_window")).sort("published_date", "article_id", nulls_last=True)
    # What DuckDB cached to read them goes back before the matrix is built and the pairs are
    # scored: the chunk's peak, which would otherwise hold both.
    db.release_memory(conn)
    ids_all = new["article_id"].to_list() + earlier["article_id"].to_list()
    rows = pl.DataFrame({"article_id": new["article_id"], "row": pl.int_range(new.height, dtype=pl.Int32, eager=True)})
    counts = new_counts.join(rows, on="article_id", how="inner", maintain_order="left").select("row", "term", "count")
    # The stored features come by term number (story_terms; only the numbers they use are read
    # as strings, to order the columns by term), are numbered into columns inside their lists
    # and let go: the matrix and the pairs scored next are the chunk's other peak
    # (docs/performance.md).
    stored_ids = earlier.select(pl.col("term_ids").explode().alias("term_id")).drop_nulls().unique()
    with db.registered(conn, _term_ids=stored_ids):
        id_terms = db.query_frame(conn, db.read_sql("stories_id_terms"))
    codes, vocab = coded_with_stored(counts, earlier.select("term_ids", "counts"), new.height, id_terms)
    del stored_ids, id_terms
    earlier = earlier.select("article_id", "published_date", "dup_group_id", "story_id",
                             "story_first_date", "story_first_article", "story_articles")
    del counts, new_counts
    matrix = weighted_rows(len(ids_all), codes, vocab, _frequencies(conn, vocab, new_df), documents)
    del codes
    links, merges = assign_stories(new.select("article_id", "published_date", "dup_group_id"), earlier, matrix, ids_all)
    features, new_terms = numbered_features(conn, features)
    return {
        "_story_links": links.with_columns(pl.lit(now).alias("linked_at")),
        "_story_merges": merges.with_columns(pl.lit(now).alias("merged_at")),
        "_story_df": new_df,
        "_story_features": features,
        "_story_terms": new_terms,
        "_story_corpus": pl.DataFrame({"documents": [new.height], "counted_at": [now]}),
        "_story_postings": postings,
    }


def rebuild_stories(conn, story_ids: set[str]) -> int:
    """Rebuild the `stories` rows of `story_ids` from their articles; returns how many remain.
    Aggregated in SQL over narrow columns; a body is read only for a story without any title
    (its earliest article's first sentence stands in), so the cost is the touched stories'
    rows, not the corpus's bodies."""
    touched = db.keys_frame("story_id", story_ids)
    with db.registered(conn, _stories=touched):
        rows = db.query_frame(conn, db.read_sql("stories_table_rows"))
        untitled = rows.filter(pl.col("title").is_null())["first_article"].to_list()
        leads = db.query_frame(conn, db.read_sql("stories_table_leads", ids=untitled)) if untitled else None
        table = titled_rows(rows, leads)
        with db.registered(conn, _table=table):
            conn.execute(db.read_sql("stories_write_table"))
    return table.height


def titled_rows(rows: pl.DataFrame, leads: pl.DataFrame | None) -> pl.DataFrame:
    """`stories` rows from stories_table_rows.sql: a story without a title gets the first
    sentence of its earliest article's body (`leads`: article_id, lead)."""
    # Only the untitled stories' leads are read, so only they get a first sentence.
    firsts = {} if leads is None else {a: headline(t) for a, t in leads.select("article_id", "lead").iter_rows()}
    fallback = pl.col("first_article").replace_strict(firsts, default=None, return_dtype=pl.String)
    return (rows.with_columns(pl.coalesce(pl.col("title"), fallback).alias("title"))
            .select("story_id", "title", "first_seen", "last_seen",
                    pl.col("articles", "outlets", "unique_articles").cast(pl.Int64)))


@dg.asset(group_name="stories", kinds={"duckdb", "polars"}, deps=["actors", "deduplicated_articles"])
def stories(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Gives every article that has its copies and actors resolved but no story yet a story
    (joining an existing one or starting one), chunk by chunk, oldest first; earlier articles
    keep their story. Owns `story_links` (shown as `articles.story_id`), `stories` (only the
    rows of stories that changed are rebuilt), `story_merges` and the per-article features."""
    size = warehouse.chunk_size
    with warehouse.write() as conn:  # once, after an upgrade from a warehouse whose features name their terms
        unnumbered = db.query_frame(conn, db.read_sql("stories_unnumbered"))["article_id"].to_list()
    for ids in chunked(unnumbered, size):
        with warehouse.write() as conn, db.transaction(conn):
            rows = db.query_frame(conn, db.read_sql("stories_unnumbered_rows", ids=ids))
            numbered, new_terms = numbered_features(conn, rows)
            with db.registered(conn, _story_terms=new_terms, _story_features=numbered):
                conn.execute(db.read_sql("stories_write_numbered"))
    with warehouse.write() as conn, db.transaction(conn):
        stale = set(conn.execute(db.read_sql("stories_remove_stale")).pl()["story_id"].to_list())
        if stale:
            rebuild_stories(conn, stale)
    with warehouse.write() as conn:
        unfeatured = db.query_frame(conn, db.read_sql("stories_unfeatured"))["article_id"].to_list()
        pending = db.query_frame(conn, db.read_sql("stories_pending"))["article_id"].to_list()
    for ids in chunked(unfeatured, size):  # once, after an upgrade from a warehouse without features
        with warehouse.write() as conn, db.transaction(conn):
            articles, terms = _chunk_terms(conn, ids)
            features = feature_rows(terms, dict(articles.select("article_id", "content_hash").iter_rows()))
            numbered, new_terms = numbered_features(conn, features)
            with db.registered(conn, _story_terms=new_terms, _story_features=numbered):
                conn.execute(db.read_sql("stories_write_numbered"))
    with warehouse.write() as conn:  # once, after an upgrade from a warehouse without the index
        unposted = db.query_frame(conn, db.read_sql("stories_unposted"))
        if unposted.height:
            df = dict(conn.execute("SELECT term, df FROM story_term_df").fetchall())
            documents = int(conn.execute("SELECT coalesce(sum(documents), 0) FROM story_corpus").fetchone()[0])
            rows = posting_rows(stored_terms(unposted), dict(unposted.select("article_id", "published_date").iter_rows()),
                                df, documents)
            with db.transaction(conn):
                db.insert_frame(conn, "story_postings", rows)
    progress = Progress(context.log, "stories", len(pending), -(-len(pending) // size))
    joined = merged = cut = 0
    # The next chunk is the first `size` pending articles, or fewer when they would read more
    # than `story_read_rows` stored articles. The cut depends only on the warehouse and the
    # articles still pending, so a run resumed after a crash cuts the same chunks as one that
    # was not interrupted.
    start, prepared = 0, None
    while start < len(pending):
        now = _now()
        take = min(size, len(pending) - start)
        with warehouse.write() as conn:
            ids = pending[start:start + take]
            try:
                frames = assign_chunk(conn, ids, now, warehouse.story_read_rows, prepared)
            except TooMuchToRead as much:
                # One cut, read off the first query: the chunk is the first articles that read no
                # more than allowed, assigned as a chunk of its own (its own query: the chunk's
                # document frequencies choose the features each article looks up with).
                context.log.info(f"stories: {take} articles would read {much.read:,} stored ones "
                                 f"(more than {warehouse.story_read_rows:,}): taking the first {much.fits}")
                ids, prepared, cut = ids[:much.fits], much.prepared, cut + 1
                frames = assign_chunk(conn, ids, now, None, prepared)
            with db.transaction(conn), db.registered(conn, **frames):
                conn.execute(db.read_sql("stories_write_chunk", conn))
                links, merges = frames["_story_links"], frames["_story_merges"]
                touched = set(links["story_id"].to_list()) | set(merges["merged_story_id"].to_list())
                rebuild_stories(conn, touched)
        joined += links.filter(pl.col("reason") != "new").height
        merged += merges.height
        if merges.height:
            context.log.info(f"{merges.height} stories merged into others: {merges.select('merged_story_id', 'into_story_id').rows()}")
        # What the chunk's queries and frames freed goes back before the next chunk, so memory
        # holds one chunk, not the chunks before it (measured: docs/performance.md).
        warehouse.release_memory()
        start += len(ids)
        progress.chunks = progress.chunk + 1 + -(-(len(pending) - start) // len(ids))
        progress.step(len(ids))
    with warehouse.write() as conn:
        total = conn.execute("SELECT count(*) FROM stories").fetchone()[0]
        largest = db.query_frame(conn, "SELECT title, articles, first_seen, last_seen FROM stories "
                                       "ORDER BY articles DESC, story_id LIMIT 10")
    context.log.info(f"{len(pending)} new articles: {joined} joined a story, {len(pending) - joined} started one")
    return dg.MaterializeResult(
        metadata={
            "new_articles": len(pending),
            "joined": joined,
            "started": len(pending) - joined,
            "stories": total,
            "merged": merged,
            "chunks_cut_shorter": cut,
            "stale_stories": len(stale),
            "largest": dg.MetadataValue.md(frame_markdown(largest)),
        }
    )
