"""`make sql`: a SQL shell on the analysts' read-only copy of the warehouse.

It opens `<warehouse>.analyst.duckdb` (published after every run), never the warehouse itself,
so it cannot block a run nor be blocked by one. On a DuckLake (MEDIA_MONITOR_WAREHOUSE_KIND=ducklake)
it attaches the lake itself read-only: it reads the latest snapshot while runs write. With a terminal it is interactive (end
statements with `;`, `.quit` to leave); otherwise it runs the SQL piped into it and prints
the results.
"""

from __future__ import annotations

import os
import sys

import duckdb

from pipelines.resources import project_path
from warehouse import spill
from warehouse.db import snapshot_path_for


def snapshot_file():
    return snapshot_path_for(project_path(os.environ.get("MEDIA_MONITOR_WAREHOUSE", "warehouse/media.duckdb")))


def lake_target():
    """The DuckLake of the settings, or None when the warehouse is the embedded file."""
    from pipelines.resources import resources_from_env

    warehouse = resources_from_env()["warehouse"]
    return warehouse.target if warehouse.on_lake else None


def split_statements(sql: str) -> list[str]:
    """Statements of a script, split by DuckDB's own parser so semicolons in strings are safe."""
    return [statement.query for statement in duckdb.extract_statements(sql)] if sql.strip() else []


def run_script(conn: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Run each statement and print the result of those that return rows."""
    for statement in split_statements(sql):
        relation = conn.sql(statement)
        if relation is not None:
            relation.show(max_width=200, max_rows=10_000)


def interactive(conn: duckdb.DuckDBPyConnection) -> None:
    try:
        import readline  # noqa: F401  (line editing and history for input())
    except ImportError:
        pass
    print(f"connected read-only to {lake_target() or snapshot_file()}; end statements with ';', .quit to leave")
    buffer = ""
    while True:
        try:
            line = input("sql> " if not buffer else "...> ")
        except EOFError:
            print()
            return
        if not buffer and line.strip() in {".quit", ".exit", "\\q"}:
            return
        buffer += line + "\n"
        if buffer.rstrip().endswith(";"):
            try:
                run_script(conn, buffer)
            except duckdb.Error as exc:
                print(f"error: {exc}")
            buffer = ""


def main() -> int:
    lake = lake_target()
    if lake is not None:
        from warehouse import lake as lakes

        conn = lakes.connect(lake, read_only=True)
    else:
        path = snapshot_file()
        if not path.exists():
            print(f"no analysts' copy at {path} yet: run `make run` (or `make demo`) first", file=sys.stderr)
            return 1
        conn = duckdb.connect(str(path), read_only=True, config=spill.config(path))
    try:
        if sys.stdin.isatty():
            interactive(conn)
        else:
            try:
                run_script(conn, sys.stdin.read())
            except duckdb.Error as exc:
                print(f"error: {exc}", file=sys.stderr)
                return 1
    finally:
        conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
