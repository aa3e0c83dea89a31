"""Data-quality checks on the warehouse, run after each cleaning step (see README.md, "Checks").
A failed check of ERROR severity also makes `make run` exit non-zero (pipelines/run.py)."""

from __future__ import annotations

import dagster as dg
import polars as pl

from assets.ingest.scan import list_landing_files
from assets.preview import frame_markdown
from pipelines.resources import LandingResource, WarehouseResource
from warehouse import db

MIN_DATED_SHARE = 0.9


@dg.asset_check(asset="cleaned_articles", description="Every file in the landing folder is in articles or in rejected_files.")
def every_landing_file_accounted_for(landing: LandingResource, warehouse: WarehouseResource) -> dg.AssetCheckResult:
    listing = pl.DataFrame({"source_path": [f.source_path for f in list_landing_files(landing.root)]},
                           schema={"source_path": pl.String})
    with warehouse.read() as conn:
        known = db.query_frame(conn, db.read_sql("check_accounted_files"))
    missing = listing.join(known, on="source_path", how="anti")
    return dg.AssetCheckResult(
        passed=missing.height == 0,
        metadata={"landing_files": listing.height, "unaccounted": missing.height,
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
