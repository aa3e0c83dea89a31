"""Ingestion: every file dropped into the landing folder becomes article records or a rejected
row with a reason. The stage compares the folder with the ledger of files already loaded
(`landing_files`), reads only new or changed files, recognises their format (plain text and
Markdown with header lines, HTML, JSON and JSON Lines, RSS and Atom, WARC, each possibly
gzip-compressed), decodes them without trusting their claimed encoding, and hands on the
records, the rejections and the per-file ledger rows. Writing them is the load step's job.
"""

import dagster as dg
import polars as pl

from assets.ingest.scan import LEDGER_SCHEMA, scan_landing
from assets.preview import frame_markdown
from pipelines.resources import LandingResource, WarehouseResource
from warehouse import db

__all__ = ["raw_articles", "scan_landing"]

LEDGER_QUERY = "SELECT source_path, size, mtime_ns, file_hash, articles FROM landing_files"


def _preview(records: pl.DataFrame, rejected: pl.DataFrame) -> str:
    shown = records.head(10).select(
        pl.col("source_path").alias("file"), pl.col("record_index").alias("#"), "format", "outlet",
        pl.coalesce("title", pl.col("text").str.strip_chars().str.split("\n").list.first()).alias("title"),
        pl.col("meta_date").alias("date"),
    )
    text = frame_markdown(shown, max_chars=60)
    if rejected.height:
        text += "\n\n**Rejected**\n\n" + frame_markdown(rejected.head(10).select(pl.col("source_path").alias("file"), "reason"))
    return text


@dg.asset(group_name="ingest", kinds={"python", "duckdb"}, pool="warehouse")
def raw_articles(
    context: dg.AssetExecutionContext, landing: LandingResource, warehouse: WarehouseResource
) -> dg.Output:
    """Article records parsed from the landing files that are new or changed since the last run,
    the files rejected (with a reason), and the ledger rows of every file examined."""
    with warehouse.read() as conn:
        ledger = db.query_frame(conn, LEDGER_QUERY)
    ledger = ledger.cast({k: v for k, v in LEDGER_SCHEMA.items() if k in ledger.columns})
    result = scan_landing(landing.root, ledger, log=context.log)
    records, rejected, files, counts = result["records"], result["rejected"], result["files"], result["counts"]
    for path, notes in result["notes"].items():
        context.log.warning(f"{path}: {' '.join(notes)}")
    return dg.Output(
        {"records": records, "rejected": rejected, "files": files},
        metadata={
            "files_new": counts["new"],
            "files_changed": counts["changed"],
            "files_unchanged": counts["unchanged"],
            "files_skipped": counts["skipped"],
            "files_rejected": counts["rejected"],
            "articles": records.height,
            "notes": dg.MetadataValue.json(result["notes"]),
            "preview": dg.MetadataValue.md(_preview(records, rejected)),
        },
    )
