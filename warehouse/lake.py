"""The warehouse as a DuckLake lakehouse: the same SQL and tables, several writing processes.

A DuckLake keeps its catalog (tables, snapshots, which Parquet files hold which rows) in a
database, PostgreSQL for several machines or a local DuckDB file, and its rows as Parquet files
in a data folder. Every transaction that commits is a snapshot, so any number of processes (on
any number of machines) write at once, and readers see a consistent snapshot while they do.

The pipeline attaches the lake as `lake` and makes it the default catalog (`USE lake`), so the
stages' SQL runs unchanged. What DuckLake lacks is handled here, in one place:
- no PRIMARY KEY / UNIQUE constraints and no indexes: migrations are applied with them removed
  (`lake_ddl`); keys stay unique because every stage deletes a key's rows before inserting it;
- no `INSERT ... ON CONFLICT` (it needs a unique index): the two statements that use it have a
  lake variant in `warehouse/sql/lake/`, picked by `db.read_sql(name, conn)`.

Extensions come from pinned packages (`duckdb-ext-ducklake`, `duckdb-ext-postgres`, the files
built for this DuckDB release) and are loaded from their installed path with automatic
installing and loading switched off: nothing is downloaded at run time.
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse import spill

ALIAS = "lake"


@dataclass(frozen=True)
class Lake:
    """Where a DuckLake lives: its catalog (`postgres:<conninfo>` or a DuckDB file path) and the
    folder of its Parquet files."""

    catalog: str
    data: Path

    @property
    def key(self) -> str:
        return f"ducklake:{self.catalog}"

    def __str__(self) -> str:  # in logs and summaries
        return f"DuckLake {self.catalog} (data {self.data})"


class ExtensionMissing(RuntimeError):
    pass


def extension_file(name: str, conn: duckdb.DuckDBPyConnection | None = None) -> Path:
    """The packaged extension file for this DuckDB release and platform (from the pinned
    `duckdb-ext-*` packages), never a download."""
    try:
        import duckdb_ext
    except ImportError as exc:  # pragma: no cover - the lock installs it
        raise ExtensionMissing("the duckdb-ext-ducklake / duckdb-ext-postgres packages are not installed") from exc
    probe = conn or duckdb.connect()
    try:
        platform = probe.execute("PRAGMA platform").fetchone()[0]
    finally:
        if conn is None:
            probe.close()
    for root in duckdb_ext.__path__:
        path = Path(root) / "extensions" / f"v{duckdb.__version__}" / platform / f"{name}.duckdb_extension"
        if path.exists():
            return path
    raise ExtensionMissing(
        f"no packaged {name} extension for DuckDB {duckdb.__version__} on {platform}: install the "
        f"duckdb-ext package built for DuckDB {duckdb.__version__} (requirements.lock pins it)")


def sql_string(value: str) -> str:
    """`value` as an SQL string literal, for the statements that take no parameter there
    (ATTACH, LOAD, COPY ... TO)."""
    return "'" + value.replace("'", "''") + "'"


def attach_sql(lake: Lake, read_only: bool = False, alias: str = ALIAS) -> str:
    options = [f"DATA_PATH {sql_string(str(lake.data) + os.sep)}"]
    if read_only:
        options.append("READ_ONLY")
    return f"ATTACH {sql_string('ducklake:' + lake.catalog)} AS {alias} ({', '.join(options)})"


def connect(lake: Lake, read_only: bool = False, memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    """A new DuckDB connection with the lake attached as `lake` and in use; extensions loaded
    from the packages, never installed or fetched."""
    config = spill.config(lake.data, autoinstall_known_extensions=False, autoload_known_extensions=False)
    if memory_limit:
        config["memory_limit"] = memory_limit
    conn = duckdb.connect(config=config)
    try:
        if lake.catalog.startswith("postgres:"):
            conn.execute(f"LOAD {sql_string(str(extension_file('postgres_scanner', conn)))}")
        conn.execute(f"LOAD {sql_string(str(extension_file('ducklake', conn)))}")
        if not read_only:
            lake.data.mkdir(parents=True, exist_ok=True)
            if not lake.catalog.startswith("postgres:"):
                Path(lake.catalog).parent.mkdir(parents=True, exist_ok=True)
        conn.execute(attach_sql(lake, read_only=read_only))
        conn.execute(f"USE {ALIAS}")
    except BaseException:
        conn.close()
        raise
    return conn


# One DuckDB instance per process and lake: attaching costs about a second (the extensions are
# large), a cursor on the instance costs nothing. Cursors are the steps' short connections.
_INSTANCES: dict[tuple[int, str], duckdb.DuckDBPyConnection] = {}
_INSTANCES_LOCK = threading.Lock()


def cursor(lake: Lake, memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    """A connection (cursor) on this process's instance with the lake attached and in use."""
    key = (os.getpid(), lake.key + "|" + str(lake.data))
    with _INSTANCES_LOCK:
        base = _INSTANCES.get(key)
        if base is None:
            base = _INSTANCES[key] = connect(lake, memory_limit=memory_limit)
    cur = base.cursor()
    cur.execute(f"USE {ALIAS}")
    return cur


def forget(lake: Lake) -> None:
    """Close this process's instance of `lake` (tests that drop the catalog database)."""
    key = (os.getpid(), lake.key + "|" + str(lake.data))
    with _INSTANCES_LOCK:
        base = _INSTANCES.pop(key, None)
    if base is not None:
        base.close()


def is_lake(conn: duckdb.DuckDBPyConnection) -> bool:
    """Whether `conn` works on a lake (its default catalog is the attached DuckLake)."""
    # fetchall: a partly fetched result would keep this connection's transaction open (DuckDB 1.4).
    return conn.execute("SELECT current_database()").fetchall()[0][0] == ALIAS


_PRIMARY_KEY_CLAUSE = re.compile(r",((?:\s*--[^\n]*)*)\s*(PRIMARY\s+KEY|UNIQUE)\s*\([^)]*\)", re.IGNORECASE)
_COLUMN_CONSTRAINT = re.compile(r"\s+(PRIMARY\s+KEY|UNIQUE)\b(?!\s*\()", re.IGNORECASE)
_INDEX = re.compile(r"CREATE\s+(UNIQUE\s+)?INDEX\b[^;]*;", re.IGNORECASE)


def lake_ddl(sql: str) -> str:
    """A migration as DuckLake accepts it: without PRIMARY KEY / UNIQUE constraints and
    indexes (DuckLake has neither; the stages keep keys unique by delete-then-insert)."""
    # Comments may contain the words; strip constraints only outside them.
    lines = []
    for line in sql.splitlines():
        code, dash, comment = line.partition("--")
        lines.append(_COLUMN_CONSTRAINT.sub("", code) + dash + comment)
    text = "\n".join(lines)
    text = _PRIMARY_KEY_CLAUSE.sub(lambda m: m.group(1), text)
    return _INDEX.sub("", text)


_UPSERT = re.compile(
    r"^\s*INSERT\s+INTO\s+(?P<table>\w+)\s*(?P<columns>BY\s+NAME|\([^)]*\))?\s*(?P<source>.*?)\s+"
    r"ON\s+CONFLICT\s*\((?P<keys>[^)]*)\)\s*DO\s+UPDATE\s+SET\s+(?P<sets>.*?)\s*;?\s*$",
    re.IGNORECASE | re.DOTALL,
)


def _upsert_as_merge(statement: str) -> str:
    match = _UPSERT.match(statement)
    if match is None:
        raise NotImplementedError(f"DuckLake has no ON CONFLICT and this upsert has no MERGE form here: {statement[:200]}")
    table, columns, source = match["table"], match["columns"] or "", match["source"]
    if columns.startswith("("):  # positional column list: name the source's columns so
        source = f"SELECT * FROM ({source}) AS _source{columns}"
    keys = [k.strip() for k in match["keys"].split(",")]
    on = " AND ".join(f"{table}.{k} = excluded.{k}" for k in keys)
    return (f"MERGE INTO {table} USING ({source}) AS excluded ON ({on})\n"
            f"WHEN MATCHED THEN UPDATE SET {match['sets']}\n"
            "WHEN NOT MATCHED THEN INSERT BY NAME;")


_DELETE_RETURNING = re.compile(
    r"^\s*DELETE\s+FROM\s+(?P<table>\w+)(?P<where>\s+WHERE\s+.*?)?\s+RETURNING\s+(?P<returning>.*?)\s*;?\s*$",
    re.IGNORECASE | re.DOTALL,
)


def _delete_returning(statement: str, last: bool) -> str:
    match = _DELETE_RETURNING.match(statement)
    if match is None or not last:
        raise NotImplementedError(f"DuckLake has no DELETE ... RETURNING and this one has no rewrite here: {statement[:200]}")
    table, where = match["table"], match["where"] or ""
    # The rows the DELETE would return, read in the same transaction before it deletes them.
    return (f"CREATE OR REPLACE TEMP TABLE _lake_returning AS SELECT {match['returning']} FROM {table}{where};\n"
            f"DELETE FROM {table}{where};\n"
            "SELECT * FROM _lake_returning;")


_NEEDS_REWRITE = re.compile(r"\bON\s+CONFLICT\b|\bRETURNING\b", re.IGNORECASE)


def lake_sql(sql: str) -> str:
    """A stage's SQL as DuckLake runs it: `INSERT ... ON CONFLICT (keys) DO UPDATE SET ...`
    (which needs a unique index) becomes the equivalent `MERGE INTO`, and a closing
    `DELETE ... RETURNING` (not supported on DuckLake tables) selects the rows it deletes
    first; everything else as it is."""
    if not _NEEDS_REWRITE.search(sql):
        return sql
    # Each statement without its leading comment lines.
    statements = [re.sub(r"^(\s*--[^\n]*\n)+", "", s.query).strip() for s in duckdb.extract_statements(sql)]
    out = []
    for i, text in enumerate(statements):
        if re.search(r"\bON\s+CONFLICT\b", text, re.IGNORECASE):
            out.append(_upsert_as_merge(text))
        elif re.match(r"\s*DELETE\b", text, re.IGNORECASE) and re.search(r"\bRETURNING\b", text, re.IGNORECASE):
            out.append(_delete_returning(text, last=i == len(statements) - 1))
        else:
            out.append(text.rstrip(";") + ";")
    return "\n".join(out)
