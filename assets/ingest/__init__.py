"""Ingestion: every file dropped into the landing folder becomes article records or a rejected
row with a reason. The stage compares the folder with the ledger of files already seen
(`landing_files`), reads only new or changed files, recognises their format (plain text and
Markdown with header lines, HTML, JSON and JSON Lines, RSS and Atom, WARC, each possibly
gzip-compressed), decodes them without trusting their claimed encoding, and writes the records
(`raw_records`), the refusals (`rejected_files`) and the ledger rows, chunk by chunk: each chunk
of files commits in one transaction, so a run killed part-way loses at most the chunk in flight
and the next run carries on with the files not yet in the ledger.
"""

from datetime import datetime, timezone

import dagster as dg
import polars as pl

from assets.ingest.scan import (LEDGER_SCHEMA, article_id, file_chunks, list_landing_files, listing_digest, listing_frame,
                                pending_files, scan_landing)
from assets.preview import frame_markdown
from assets.progress import Progress
from pipelines.resources import LandingResource, WarehouseResource
from warehouse import db

__all__ = ["raw_articles", "scan_landing"]

LEDGER_QUERY = "SELECT source_path, size, mtime_ns, file_hash, articles FROM landing_files"
# A chunk of files holds at most this many bytes of raw files (besides the chunk size setting
# in files), so a backfill of large archives never holds more than one chunk in memory.
CHUNK_BYTES = 64 * 1024 * 1024


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


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


def chunk_frames(result: dict, parsed_at: datetime) -> dict[str, pl.DataFrame]:
    """The frames one chunk writes: records with their article ids, refusals and ledger rows,
    stamped with the time of the chunk."""
    records = result["records"]
    ids = [article_id(p, i) for p, i in records.select("source_path", "record_index").iter_rows()]
    return {
        "_records": records.with_columns(pl.Series("article_id", ids, dtype=pl.String), pl.lit(parsed_at).alias("parsed_at")),
        "_rejected": result["rejected"].with_columns(pl.lit(parsed_at).alias("rejected_at")),
        "_files": result["files"].with_columns(pl.lit(parsed_at).alias("processed_at")),
    }


def store_listing(conn, listing) -> str:
    """Keep `listing` as `landing_listing`, rewritten only when it differs from the stored one
    (by digest, its `build_state` row); returns the digest."""
    digest = listing_digest(listing)
    if db.built_from(conn, "landing_listing") != digest:
        with db.transaction(conn), db.registered(conn, _listing=listing_frame(listing)):
            conn.execute("DELETE FROM landing_listing")
            conn.execute("INSERT INTO landing_listing BY NAME SELECT *, ?::TIMESTAMP AS listed_at FROM _listing", [_now()])
            db.record_build(conn, "landing_listing", digest)
    return digest


@dg.asset(group_name="ingest", kinds={"python", "duckdb"})
def raw_articles(
    context: dg.AssetExecutionContext, landing: LandingResource, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    """Article records parsed from the landing files that are new or changed since they were
    last read (`raw_records`), the files refused with a reason (`rejected_files`) and the ledger
    of every landing file examined (`landing_files`), committed chunk by chunk. The folder's
    listing is kept (`landing_listing`) for the check that every landing file is accounted for."""
    listing = list_landing_files(landing.root)
    with warehouse.write() as conn:
        ledger = db.query_frame(conn, LEDGER_QUERY).cast({k: v for k, v in LEDGER_SCHEMA.items()})
        listed = store_listing(conn, listing)
    pending = pending_files(listing, ledger)
    chunks = file_chunks(pending, warehouse.chunk_files, CHUNK_BYTES)
    progress = Progress(context.log, "ingest", len(pending), len(chunks), unit="files")
    counts = {"new": 0, "changed": 0, "unchanged": 0, "rejected": 0}
    articles = 0
    notes: dict[str, list[str]] = {}
    first: dict[str, pl.DataFrame] | None = None
    for chunk in chunks:
        result = scan_landing(landing.root, ledger, log=context.log, listing=chunk)
        for path, lines in result["notes"].items():
            context.log.warning(f"{path}: {' '.join(lines)}")
        notes.update(result["notes"])
        frames = chunk_frames(result, _now())
        with warehouse.write() as conn, db.transaction(conn), db.registered(conn, **frames):
            conn.execute(db.read_sql("ingest_write_chunk"))
        warehouse.release_memory()  # the blocks the chunk wrote: docs/performance.md
        for key in counts:
            counts[key] += result["counts"].get(key, 0)
        articles += result["records"].height
        first = first or frames
        progress.step(len(chunk))
    context.log.info(f"{len(listing)} landing files, {len(pending)} new or changed: {articles} article records, "
                     f"{counts['rejected']} files rejected")
    return dg.MaterializeResult(
        metadata={
            "landing_files": len(listing),
            "listing": listed,
            "files_new": counts["new"],
            "files_changed": counts["changed"],
            "files_unchanged": counts["unchanged"],
            "files_skipped": len(listing) - len(pending),
            "files_rejected": counts["rejected"],
            "articles": articles,
            "chunks": len(chunks),
            "notes": dg.MetadataValue.json(notes),
            "preview": dg.MetadataValue.md(_preview(first["_records"], first["_rejected"]) if first else "_nothing new_"),
        },
    )
