"""Data-quality checks on the warehouse, run after each cleaning step (see README.md, "Checks").
A failed check of ERROR severity also makes `make run` exit non-zero (pipelines/run.py)."""

import dagster as dg
import polars as pl

from assets.ingest.scan import list_landing_files
from assets.preview import frame_markdown
from pipelines.resources import LandingResource, WarehouseResource
from warehouse import db

MIN_DATED_SHARE = 0.9


def listing_of_this_run(context: dg.AssetCheckExecutionContext) -> str | None:
    """The digest of the landing folder's listing that `raw_articles` stored in this very run
    (its materialization's `listing`), None when it did not run in this run."""
    event = context.instance.get_latest_materialization_event(dg.AssetKey("raw_articles"))
    if event is None or event.run_id != context.run.run_id or event.asset_materialization is None:
        return None
    listing = event.asset_materialization.metadata.get("listing")
    return listing.value if listing is not None else None


@dg.asset_check(asset="cleaned_articles", description="Every file in the landing folder is in articles or in rejected_files.")
def every_landing_file_accounted_for(context: dg.AssetCheckExecutionContext, landing: LandingResource,
                                     warehouse: WarehouseResource) -> dg.AssetCheckResult:
    # The folder is walked once per run: when ingest listed it in this run, the listing it stored
    # (landing_listing, still the one of its digest) is the folder; otherwise the check walks it.
    digest = listing_of_this_run(context)
    with warehouse.read() as conn:
        stored = digest is not None and db.built_from(conn, "landing_listing") == digest
        listing = db.query_frame(conn, "SELECT source_path FROM landing_listing") if stored else None
        known = db.query_frame(conn, db.read_sql("check_accounted_files"))
    if listing is None:
        listing = pl.DataFrame({"source_path": [f.source_path for f in list_landing_files(landing.root)]},
                               schema={"source_path": pl.String})
    missing = listing.join(known, on="source_path", how="anti").sort("source_path")
    return dg.AssetCheckResult(
        passed=missing.height == 0,
        metadata={"landing_files": listing.height, "unaccounted": missing.height,
                  "listed_by": "raw_articles in this run" if stored else "this check",
                  "examples": dg.MetadataValue.md(frame_markdown(missing.head(10)))},
    )


@dg.asset_check(asset="cleaned_articles", description="No article has an empty body.")
def articles_have_bodies(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.read() as conn:
        empty = db.query_frame(conn, "SELECT source_path, record_index FROM articles "
                                     "WHERE body IS NULL OR trim(body) = '' ORDER BY 1, 2")
    return dg.AssetCheckResult(passed=empty.height == 0, metadata={
        "empty_bodies": empty.height, "examples": dg.MetadataValue.md(frame_markdown(empty.head(10)))})


@dg.asset_check(asset="cleaned_articles", description=f"At least {MIN_DATED_SHARE:.0%} of articles have a published date.")
def articles_mostly_dated(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.read() as conn:
        total, dated = conn.execute("SELECT count(*), count(published_date) FROM articles").fetchone()
        sources = db.query_frame(conn, "SELECT coalesce(date_source, 'none') AS date_source, count(*) AS articles "
                                       "FROM articles GROUP BY 1 ORDER BY 2 DESC")
    share = dated / total if total else 1.0
    return dg.AssetCheckResult(
        passed=share >= MIN_DATED_SHARE,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"dated_share": share, "articles": total, "by_date_source": dg.MetadataValue.md(frame_markdown(sources))},
    )


quality_checks = [every_landing_file_accounted_for, articles_have_bodies, articles_mostly_dated]
