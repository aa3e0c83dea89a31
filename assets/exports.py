"""Exports: the contract tables, and the results of saved queries, as Parquet and CSV files in
the exports folder (`MEDIA_MONITOR_EXPORTS`, default `exports/`), complete however large.

DuckDB's `COPY ... TO` streams each result from the warehouse to the file, so nothing passes
through Python; each file is written beside its final name and renamed into place, so a reader
never sees half a file. Also a command (`make export`, `make export QUERY=warehouse/queries/x.sql`):

    python -m assets.exports [--query FILE ...] [--folder DIR]
"""


import argparse
import os
import re
import sys
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl

from assets.preview import frame_markdown
from pipelines.analytics_resources import ExportsResource
from pipelines.resources import WarehouseResource
from warehouse import db, spill
from warehouse.lake import sql_string

CONTRACT_TABLES = [
    "articles", "mentions", "actors", "stories", "actor_timelines", "actor_coverage", "rejected_files",
    "outlets", "actor_share", "actor_alerts", "story_lean", "actor_lean", "story_blindspots", "quotes",
]
FORMATS = {"parquet": "(FORMAT parquet, COMPRESSION zstd)", "csv": "(FORMAT csv, HEADER true)"}


def _literal(path: Path) -> str:
    # COPY takes its target as a literal, not a parameter.
    return sql_string(str(path))


def query_text(path: Path) -> str:
    """A saved query's text ready to wrap in COPY (...): one statement, no final semicolon."""
    lines = re.sub(r";[ \t]*--[^\n]*", ";", path.read_text(encoding="utf-8")).rstrip().split("\n")
    while lines and (not lines[-1].strip() or lines[-1].lstrip().startswith("--")):
        lines.pop()  # comments after the statement
    text = "\n".join(lines).rstrip()
    while text.endswith(";"):
        text = text[:-1].rstrip()
    return text


def copy_out(conn: duckdb.DuckDBPyConnection, select: str, folder: Path, name: str) -> list[dict]:
    """Write the result of `select` to `<folder>/<name>.parquet` and `.csv`; returns one row per file."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt, options in FORMATS.items():
        target = folder / f"{name}.{fmt}"
        tmp = folder / f".{name}.{fmt}.tmp"
        # The newline keeps a trailing comment in a saved query from swallowing the parenthesis.
        rows = conn.execute(f"COPY (\n{select}\n) TO {_literal(tmp)} {options}").fetchone()[0]
        os.replace(tmp, target)
        written.append({"file": target.name, "rows": rows, "bytes": target.stat().st_size})
    return written


def export_all(conn: duckdb.DuckDBPyConnection, folder: Path, queries: list[Path], tables: bool = True) -> pl.DataFrame:
    """The contract tables present in the warehouse (when `tables`) and each saved query."""
    present = {row[0] for row in conn.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    written = []
    if tables:
        for table in (t for t in CONTRACT_TABLES if t in present):
            written += copy_out(conn, f'SELECT * FROM "{table}"', folder, table)
    for path in queries:
        written += copy_out(conn, query_text(path), folder, path.stem)
    return pl.DataFrame(written, schema={"file": pl.String, "rows": pl.Int64, "bytes": pl.Int64})


@dg.asset(group_name="analytics", kinds={"duckdb", "parquet", "csv"},
          deps=["actor_coverage", "outlets", "actor_share", "actor_alerts", "coverage_by_lean"])
def exports(context: dg.AssetExecutionContext, warehouse: WarehouseResource, exports: ExportsResource) -> dg.MaterializeResult:
    """The contract tables (and the saved queries named in MEDIA_MONITOR_EXPORT_QUERIES) as
    Parquet and CSV files in the exports folder."""
    with warehouse.read() as conn:
        written = export_all(conn, exports.root, exports.query_files)
    return dg.MaterializeResult(metadata={"folder": dg.MetadataValue.path(str(exports.root)), "files": written.height,
                                          "written": dg.MetadataValue.md(frame_markdown(written))})


def main(argv: list[str] | None = None) -> int:
    from pipelines.resources import resources_from_env

    parser = argparse.ArgumentParser(description="Export the contract tables, or saved queries, to Parquet and CSV.")
    parser.add_argument("--query", action="append", default=[], help="a saved query (.sql) to export instead of the tables")
    parser.add_argument("--folder", help="where to write (default: MEDIA_MONITOR_EXPORTS, else exports/)")
    args = parser.parse_args(argv)
    resources = resources_from_env()
    folder = Path(args.folder) if args.folder else resources["exports"].root
    warehouse = resources["warehouse"]
    source = db.snapshot_path_for(warehouse.file)  # analysts' copy: never blocks a run
    if warehouse.on_lake:  # the lake itself, attached read-only
        from warehouse import lake as lakes

        conn = lakes.connect(warehouse.target, read_only=True)
    elif not source.exists():
        print(f"no analysts' copy at {source}: run `make run` or `make demo` first", file=sys.stderr)
        return 1
    else:
        conn = duckdb.connect(str(source), read_only=True, config=spill.config(source))
    try:
        written = export_all(conn, folder, [Path(q) for q in args.query], tables=not args.query)
    finally:
        conn.close()
    for file, rows, size in written.iter_rows():
        print(f"{folder / file}: {rows} rows, {size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
