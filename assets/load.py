"""Loading: everything one run produced goes into the DuckDB warehouse in one transaction.

The stages before this one only read the warehouse; this is where new articles, refusals, the
ledger of landing files, NER results and duplicate links are written. A file parsed again (it
changed in place) first loses what it produced before, so re-running never doubles anything.
"""


from datetime import datetime, timezone

import dagster as dg
import duckdb
import polars as pl

from assets.preview import frame_markdown
from pipelines.resources import WarehouseResource
from warehouse import db


def now_utc() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def articles_to_load(
    articles: pl.DataFrame, assignments: pl.DataFrame, loaded_at: datetime
) -> pl.DataFrame:
    """Cleaned articles with their duplicate group and load time (a group of their own when
    dedup gave none)."""
    if articles.height == 0:
        return articles
    if assignments.height:
        articles = articles.join(assignments.select("article_id", "dup_group_id"), on="article_id", how="left")
    else:
        articles = articles.with_columns(pl.lit(None, dtype=pl.String).alias("dup_group_id"))
    return articles.with_columns(
        pl.coalesce("dup_group_id", "article_id").alias("dup_group_id"),
        pl.lit(loaded_at).alias("ingested_at"),
    )


def new_rows(conn: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame, key: str) -> pl.DataFrame:
    """The rows of `frame` whose `key` the table does not hold yet (keeps re-runs idempotent)."""
    if frame.height == 0:
        return frame
    known = db.query_frame(conn, f'SELECT DISTINCT "{key}" FROM "{table}" WHERE list_contains(?, "{key}")',
                           [frame[key].unique().to_list()])
    return frame.join(known, on=key, how="anti")


def write_run(
    conn: duckdb.DuckDBPyConnection,
    raw: dict[str, pl.DataFrame],
    cleaned: dict[str, pl.DataFrame],
    entities: dict[str, pl.DataFrame],
    dedup: dict[str, pl.DataFrame],
    loaded_at: datetime,
) -> dict[str, int]:
    """Write one run's frames; the caller wraps this in a transaction. Returns row counts."""
    files = raw["files"]
    parsed_paths = files.filter(pl.col("status") != "unchanged")["source_path"].to_list()
    counts: dict[str, int] = {}

    if parsed_paths:
        removed = db.query_frame(conn, "SELECT article_id FROM articles WHERE list_contains(?, source_path)",
                                 [parsed_paths])["article_id"].to_list()
        counts["replaced_articles"] = len(removed)
        if removed:
            conn.execute("DELETE FROM duplicates WHERE list_contains(?, article_id) OR list_contains(?, duplicate_of)",
                         [removed, removed])
            conn.execute("DELETE FROM article_signatures WHERE list_contains(?, article_id)", [removed])
            conn.execute("DELETE FROM story_links WHERE list_contains(?, article_id)", [removed])
        conn.execute(db.read_sql("load_remove_replaced"), [parsed_paths])
        conn.execute("DELETE FROM rejected_files WHERE list_contains(?, source_path)", [parsed_paths])
    if files.height:
        conn.execute("DELETE FROM landing_files WHERE list_contains(?, source_path)", [files["source_path"].to_list()])
        counts["landing_files"] = db.insert_frame(conn, "landing_files", files.with_columns(pl.lit(loaded_at).alias("processed_at")))

    counts["rejected_files"] = db.insert_frame(
        conn, "rejected_files", raw["rejected"].with_columns(pl.lit(loaded_at).alias("rejected_at")))

    articles = articles_to_load(cleaned["articles"], dedup.get("assignments", pl.DataFrame()), loaded_at)
    counts["articles"] = db.insert_frame(conn, "articles", articles)

    runs = new_rows(conn, "entity_runs", entities["runs"].with_columns(pl.lit(loaded_at).alias("analysed_at")), "content_hash")
    spans = entities["spans"]
    if spans.height:
        spans = spans.join(runs.select("content_hash"), on="content_hash", how="semi")
    counts["entity_runs"] = db.insert_frame(conn, "entity_runs", runs)
    counts["entity_spans"] = db.insert_frame(conn, "entity_spans", spans)
    if articles.height:
        conn.execute(db.read_sql("load_entity_status"), [articles["article_id"].to_list()])

    for key, table in (("signatures", "article_signatures"), ("duplicates", "duplicates")):
        if key in dedup:
            counts[table] = db.insert_frame(conn, table, dedup[key])

    line_stats = cleaned.get("line_stats")
    if line_stats is not None and line_stats.height:
        conn.register("_line_stats", line_stats.to_arrow())
        conn.execute(db.read_sql("load_line_stats"))
        conn.unregister("_line_stats")
        counts["outlet_line_stats"] = line_stats.height
    return counts


@dg.asset(
    group_name="warehouse",
    kinds={"duckdb"},
    pool="warehouse",
)
def articles(
    context: dg.AssetExecutionContext,
    warehouse: WarehouseResource,
    raw_articles: dict,
    cleaned_articles: dict,
    entity_spans: dict,
    deduplicated_articles: dict,
) -> dg.MaterializeResult:
    """Every ingested article (duplicates linked, never dropped), every refused file with its
    reason, the ledger of landing files and the NER results, written in one transaction."""
    loaded_at = now_utc()
    with warehouse.write() as conn:
        with db.transaction(conn):
            counts = write_run(conn, raw_articles, cleaned_articles, entity_spans, deduplicated_articles, loaded_at)
        totals = conn.execute(
            "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM rejected_files), "
            "(SELECT count(DISTINCT dup_group_id) FROM articles)"
        ).fetchone()
        preview = db.query_frame(
            conn,
            "SELECT source_path, outlet, published_date, title, word_count FROM articles "
            "WHERE ingested_at = ? ORDER BY source_path, record_index LIMIT 10",
            [loaded_at],
        )
    context.log.info(f"loaded {counts}")
    return dg.MaterializeResult(
        metadata={
            "new_articles": counts.get("articles", 0),
            "new_rejected_files": counts.get("rejected_files", 0),
            "replaced_articles": counts.get("replaced_articles", 0),
            "articles": totals[0],
            "rejected_files": totals[1],
            "dup_groups": totals[2],
            "preview": dg.MetadataValue.md(frame_markdown(preview)),
        }
    )

