"""Story clustering: every article gets a story_id shared with the articles reporting the same event.

Articles are compared as TF-IDF vectors over their title and (stemmed) body words plus their
actors (the resolved actors of `mentions`, so "Clinton" and "Bill Clinton" are one feature),
and only with articles published within a few weeks of them. New articles start as clusters of
their own (copies, one dup_group_id, together; a copy of an article that has a story joins it)
and merge best-first, complete-link, with each other and with the stories of earlier articles:
two clusters merge only when every pair of their articles is similar enough, which keeps a
story about one event instead of chaining from topic to topic. Earlier articles keep their
story; two earlier stories merge only when new articles bind them (recorded in
`story_merges`, the older id kept). Each assignment is explained in `story_links` (the most
similar article of the story and the score). Document frequencies are kept in `story_term_df`
so later runs weigh words as earlier ones did.
"""

from datetime import datetime, timezone

import dagster as dg
import polars as pl

from assets.preview import frame_markdown
from assets.stories.clustering import WINDOW_DAYS, assign_stories, cluster, story_table
from assets.stories.features import article_terms, document_frequencies, headline, tfidf_matrix, words

__all__ = ["stories", "assign_stories", "cluster", "story_table", "article_terms", "headline", "words", "WINDOW_DAYS"]
from pipelines.resources import WarehouseResource
from warehouse import db


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


@dg.asset(group_name="stories", kinds={"duckdb", "polars"}, pool="warehouse", deps=["actors"])
def stories(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Gives every new article a story (joining an existing one or starting one) and rebuilds
    the `stories` table; earlier articles keep their story."""
    with warehouse.read() as conn:
        new = db.query_frame(conn, db.read_sql("stories_new_articles"))
        if new.height:
            lo, hi = new["published_date"].min(), new["published_date"].max()
            earlier = db.query_frame(conn, db.read_sql("stories_window_articles"), [lo, hi, WINDOW_DAYS])
            ids = new["article_id"].to_list() + earlier["article_id"].to_list()
            conn.register("_story_articles", pl.DataFrame({"article_id": ids}).to_arrow())
            try:
                mentions = db.query_frame(
                    conn, "SELECT DISTINCT article_id, actor_id FROM mentions JOIN _story_articles USING (article_id)"
                )
            finally:
                conn.unregister("_story_articles")
            stored_df = db.query_frame(conn, "SELECT term, df FROM story_term_df")
            documents = conn.execute("SELECT coalesce(sum(documents), 0) FROM story_corpus").fetchone()[0]
    if new.height == 0:
        context.log.info("no new articles")
        return dg.MaterializeResult(metadata={"new_articles": 0})

    texts = pl.concat([new.select("article_id", "title", "body"), earlier.select("article_id", "title", "body")])
    terms = article_terms(texts, mentions)
    new_df = document_frequencies({a: terms[a] for a in new["article_id"].to_list()})
    df_all = (
        pl.concat([stored_df.cast({"df": pl.Int64}), new_df]).group_by("term").agg(pl.col("df").sum())
    )
    matrix = tfidf_matrix(ids, terms, dict(zip(df_all["term"], df_all["df"])), int(documents) + new.height)
    now = _now()
    links, merges = assign_stories(new, earlier, matrix, ids)
    links = links.with_columns(pl.lit(now).alias("linked_at"))
    merges = merges.with_columns(pl.lit(now).alias("merged_at"))

    with warehouse.write() as conn, db.transaction(conn):
        conn.register("_story_links", links.to_arrow())
        conn.register("_story_df", new_df.to_arrow())
        conn.register("_story_merges", merges.to_arrow())
        try:
            conn.execute(db.read_sql("stories_update"))
        finally:
            for name in ("_story_links", "_story_df", "_story_merges"):
                conn.unregister(name)
        conn.execute("INSERT INTO story_corpus VALUES (?, ?)", [new.height, now])
        table = story_table(db.query_frame(conn, db.read_sql("stories_articles")))
        conn.execute("DELETE FROM stories")
        db.insert_frame(conn, "stories", table)
    joined = links.filter(pl.col("reason") != "new").height
    if merges.height:
        context.log.info(f"{merges.height} stories merged into others: {merges.rows()}")
    context.log.info(f"{new.height} new articles: {joined} joined a story, {new.height - joined} started one")
    return dg.MaterializeResult(
        metadata={
            "new_articles": new.height,
            "joined": joined,
            "started": new.height - joined,
            "stories": table.height,
            "merged": merges.height,
            "largest": dg.MetadataValue.md(frame_markdown(
                table.sort("articles", descending=True).head(10).select("title", "articles", "first_seen", "last_seen")
            )),
        }
    )
