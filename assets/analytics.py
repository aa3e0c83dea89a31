"""Analytics: per-actor mention timelines and coverage counts, rebuilt in SQL from the
warehouse's articles and mentions, and the read-only copy analysts query.

Both tables are aggregates that DuckDB rebuilds from scratch in one statement each (seconds at
millions of mentions), so they are always consistent with the mentions below them, including
after an alias-table edit re-resolved old mentions. Each is rebuilt only when a fingerprint of
what it reads (warehouse/sql/actor_counts_inputs.sql) differs from the one it was last built
from (`build_state`): a run with nothing new leaves them as they are.
"""


from datetime import timedelta

import dagster as dg
import polars as pl

from assets.preview import frame_markdown, sparkline
from pipelines.resources import WarehouseResource
from warehouse import db

CHART_ACTORS = 10
CHART_DAYS = 30


def timeline_chart(timelines: pl.DataFrame, coverage: pl.DataFrame,
                   top: int = CHART_ACTORS, days: int = CHART_DAYS) -> str:
    """Markdown of the leading actors' daily article counts over the last `days` days that
    have any coverage, one sparkline per actor."""
    if timelines.height == 0 or coverage.height == 0:
        return "_no dated mentions yet_"
    leaders = coverage.sort(["articles", "mentions"], descending=True).head(top)
    last = timelines["day"].max()
    all_days = pl.DataFrame({"day": pl.date_range(last - timedelta(days=days - 1), last, eager=True)})
    rows = []
    for actor_id, name, articles in leaders.select("actor_id", "name", "articles").iter_rows():
        series = (all_days.join(timelines.filter(pl.col("actor_id") == actor_id).select("day", "articles"),
                                on="day", how="left").fill_null(0).sort("day"))["articles"].to_list()
        rows.append({"actor": name, "articles": articles, f"daily articles, {all_days['day'][0]} to {last}": sparkline(series)})
    return frame_markdown(pl.DataFrame(rows), max_chars=200)


# Mentions per statement when `actor_timelines` is rebuilt: its distinct counts over every
# mention of a 100k corpus held 446 MiB of hash tables in one statement (docs/performance.md).
TIMELINE_PART_MENTIONS = 100_000


def build_timelines(conn, mentions_per_statement: int = TIMELINE_PART_MENTIONS, sql: str | None = None) -> None:
    """Build `actor_timelines` from scratch, a range of actors of about `mentions_per_statement`
    mentions at a time, in actor order (`sql`: the build's text, read when not given)."""
    db.build_in_ranges(conn, "actor_timelines", "actor_mention_ranges", mentions_per_statement, sql)


def build_coverage(conn, mentions_per_statement: int = TIMELINE_PART_MENTIONS) -> None:
    """Build `actor_coverage` from scratch, a range of actors at a time, as `build_timelines`."""
    db.build_in_ranges(conn, "actor_coverage", "actor_mention_ranges", mentions_per_statement)


def rebuild_timelines(conn, mentions_per_statement: int = TIMELINE_PART_MENTIONS) -> bool:
    """Rebuild `actor_timelines` (`build_timelines`) when what it is built from changed since its
    last build (`build_state`); returns whether it was rebuilt. The caller holds the transaction."""
    return db.rebuild_in_ranges(conn, "actor_timelines", "actor_counts_inputs", "actor_mention_ranges",
                                mentions_per_statement)


@dg.asset(group_name="analytics", kinds={"duckdb"}, deps=["actors", "stories"])
def actor_timelines(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """One row per actor and publication day: mentions, articles, unique articles (duplicate
    groups), stories and outlets."""
    with warehouse.write() as conn:
        with db.transaction(conn):
            rebuilt = rebuild_timelines(conn)
        rows, days = conn.execute("SELECT count(*), count(DISTINCT day) FROM actor_timelines").fetchone()
    return dg.MaterializeResult(metadata={"rows": rows, "days": days, "rebuilt": rebuilt})


@dg.asset(group_name="analytics", kinds={"duckdb"}, deps=["actors", "stories", "actor_timelines"])
def actor_coverage(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """One row per actor over all time: mentions, articles, unique articles, stories, outlets,
    first and last day seen. The metadata charts the leading actors' daily coverage."""
    with warehouse.write() as conn:
        with db.transaction(conn):
            # A range of actors at a time, as actor_timelines (db.build_in_ranges).
            rebuilt = db.rebuild_in_ranges(conn, "actor_coverage", "actor_counts_inputs", "actor_mention_ranges",
                                           TIMELINE_PART_MENTIONS)
        coverage = db.query_frame(conn, "SELECT * FROM actor_coverage ORDER BY articles DESC, mentions DESC LIMIT ?",
                                  [CHART_ACTORS])
        leaders = coverage["actor_id"].to_list()
        timelines = db.query_frame(conn, "SELECT actor_id, day, articles FROM actor_timelines WHERE list_contains(?, actor_id)",
                                   [leaders])
        rows = conn.execute("SELECT count(*) FROM actor_coverage").fetchone()[0]
    return dg.MaterializeResult(
        metadata={
            "rows": rows,
            "rebuilt": rebuilt,
            "leading_actors": dg.MetadataValue.md(frame_markdown(coverage.drop("actor_id"))),
            "timelines_chart": dg.MetadataValue.md(timeline_chart(timelines, coverage)),
        }
    )


@dg.asset(group_name="analytics", kinds={"duckdb"},
          deps=["actor_coverage", "actor_timelines", "stories", "actor_tone", "quotes", "outlets", "actor_share",
                "actor_alerts", "coverage_by_lean"])
def analyst_snapshot(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """The read-only copy of the warehouse that analysts open with `make sql`, renamed into
    place so open sessions never block a run and a run never blocks them. Only the blocks
    that changed since the copy before last are written, and nothing when the warehouse did
    not change since the last publish (warehouse/snapshot.py).
    On a DuckLake there is no copy: analysts attach the lake read-only and read its latest
    snapshot; this records which snapshot the run ended with."""
    if warehouse.on_lake:
        with warehouse.read() as conn:
            snapshot = conn.execute("SELECT max(snapshot_id) FROM ducklake_snapshots('lake')").fetchone()[0]
        return dg.MaterializeResult(metadata={"lake": str(warehouse.target), "snapshot_id": snapshot})
    published = warehouse.publish_snapshot()
    context.log.info(f"analysts' copy: {published.bytes_written} of {published.bytes_total} bytes written ({published.mode})")
    return dg.MaterializeResult(metadata={"path": dg.MetadataValue.path(str(published.path)),
                                          "bytes": published.bytes_total, "bytes_written": published.bytes_written,
                                          "mode": published.mode})
