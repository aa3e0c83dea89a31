"""The DuckDB side of the platform: connections to the warehouse file, the schema and its
migrations, and the read-only copy that analysts query.

DuckDB lets one process write a file or many read it, never both at once. One run at a time
writes (pipelines/runlock.py); a run holds one connection from start to end (`held`), and its
steps' connections are cursors of it. Analysts never open the warehouse itself: after each run
it is published as `<name>.analyst.duckdb` (warehouse/snapshot.py), which `make sql` opens
read-only.

The warehouse may instead be a DuckLake (`warehouse.lake.Lake`, setting
MEDIA_MONITOR_WAREHOUSE_KIND=ducklake): the same functions take either, the same SQL runs on
both, several processes write the lake at once, and analysts attach it read-only (no copy).
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import re
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Union

import duckdb
import polars as pl

from warehouse import lake as lakes
from warehouse import spill
from warehouse.lake import Lake

SQL_DIR = Path(__file__).parent / "sql"
LOCK_WAIT_SECONDS = 60.0
# Memory DuckDB may use in a pipeline process (setting MEDIA_MONITOR_DUCKDB_MEMORY).
MEMORY_LIMIT = os.environ.get("MEDIA_MONITOR_DUCKDB_MEMORY", "1GB")
# Rows per row group of the warehouse's tables (DuckDB's default is 122,880). A checkpoint
# rewrites the row group that new rows went into, whole: with texts of a few kilobytes a row,
# a default group holds hundreds of megabytes, so each commit's automatic checkpoint cost
# memory growing with the table up to 122,880 rows (a table of 2 KB rows, 1,000 rows per
# commit, `benchmarks.bench_row_groups`: peak 671 and 794 MiB at 100,000 rows with the default,
# 534 and 583 MiB with 16,384; docs/performance.md).
ROW_GROUP_SIZE = 16_384
# The name the warehouse file is attached under in its connections.
ALIAS = "warehouse"


# A warehouse: the embedded DuckDB file, or a DuckLake.
Target = Union[Path, Lake]


def read_sql(name: str, conn: duckdb.DuckDBPyConnection | None = None, **keys) -> str:
    """The text of `warehouse/sql/<name>.sql`; given the connection `conn` it will run on, as
    that warehouse runs it (on a lake, upserts become MERGE: `warehouse.lake.lake_sql`).

    `keys`: each `{{name}}` in the file becomes the literal list of those strings (`in_list`),
    for `column IN {{name}}`. A chunk's rows are read through such a list, not a join on a
    registered frame: with a list of constants DuckDB filters the key column first and reads
    the other (wide) columns only where it matched, while a join reads every column of every
    row, so a chunk's read would cost the whole table (measured on 300,000 rows with wide
    columns, 1,000 keys: 0.18 s against 3.5 s). From about 10,000 keys on the two cost alike."""
    sql = (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")
    for key, values in keys.items():
        sql = sql.replace("{{" + key + "}}", in_list(values))
    if "{{" in sql:
        missing = ", ".join(re.findall(r"\{\{(\w+)\}\}", sql))
        raise ValueError(f"{name}.sql needs keys for {missing}")
    return lakes.lake_sql(sql) if conn is not None and lakes.is_lake(conn) else sql


def in_list(values) -> str:
    """A SQL list of string constants, `('a', 'b')`, distinct and sorted; `(NULL)`, which
    matches nothing, when empty."""
    distinct = sorted({str(v) for v in values if v is not None})
    if not distinct:
        return "(NULL)"
    return "(" + ", ".join(lakes.sql_string(v) for v in distinct) + ")"


MIGRATIONS_DIR = SQL_DIR / "migrations"


def migrations() -> list[tuple[int, str, Path]]:
    """(version, name, file) of every numbered migration, `NNNN_name.sql`, in order."""
    found = []
    for path in sorted(MIGRATIONS_DIR.glob("*.sql")):
        number, _, name = path.stem.partition("_")
        found.append((int(number), name, path))
    return found


def schema_version(conn: duckdb.DuckDBPyConnection) -> int:
    """The newest migration applied to this warehouse (0 for an empty file)."""
    key = "" if lakes.is_lake(conn) else " PRIMARY KEY"
    conn.execute("CREATE TABLE IF NOT EXISTS schema_version "
                 f"(version INTEGER{key}, name VARCHAR, applied_at TIMESTAMP)")
    # fetchall, not fetchone: DuckDB 1.4 keeps a partly fetched result's transaction open, and an
    # open transaction on a run's held connection makes later rewrites of a key conflict.
    return conn.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchall()[0][0]


def migrate(conn: duckdb.DuckDBPyConnection, target: int | None = None) -> list[int]:
    """Apply the migrations this warehouse has not had yet (up to `target`), each in its own
    transaction together with its `schema_version` row, so a crash never leaves half of one.
    Returns the versions applied."""
    current = schema_version(conn)
    on_lake = lakes.is_lake(conn)
    applied = []
    for version, name, path in migrations():
        if version <= current or (target is not None and version > target):
            continue
        sql = path.read_text(encoding="utf-8")
        with transaction(conn):
            conn.execute(lakes.lake_ddl(sql) if on_lake else sql)
            conn.execute("INSERT INTO schema_version VALUES (?, ?, now()::TIMESTAMP)", [version, name])
        applied.append(version)
    return applied


# Warehouses this process has brought up to date: a long-lived process migrates each file once.
_MIGRATED: set[str] = set()


def _attached(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    """A connection whose default database is the warehouse file, attached as ALIAS
    with rows grouped ROW_GROUP_SIZE at a time (DuckDB keeps no row group size in the file:
    each connection that writes must ask for it). DuckDB's buffer pool may otherwise take most
    of the machine's memory; with a cap (MEMORY_LIMIT) it spills to disk, into a directory of
    the connection's own (`spill`). DuckDB's own progress bar is off: a statement over two
    seconds would draw it into the run's output between its log lines (the steps log their own
    progress)."""
    conn = duckdb.connect(config=spill.config(path, memory_limit=MEMORY_LIMIT))
    try:
        conn.execute("SET enable_progress_bar = false")
        options = f"ROW_GROUP_SIZE {ROW_GROUP_SIZE}" + (", READ_ONLY" if read_only else "")
        conn.execute(f"ATTACH {lakes.sql_string(str(path))} AS {ALIAS} ({options})")
        conn.execute(f"USE {ALIAS}")
    except BaseException:
        conn.close()
        raise
    return conn


def _open(path: Path, read_only: bool, wait_seconds: float) -> duckdb.DuckDBPyConnection:
    # Another process may hold the file for a moment (a run finishing, a code server); wait for
    # it rather than fail, but not forever.
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            return _attached(path, read_only)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() >= deadline:
                raise
            time.sleep(0.5)


# Connections a process holds open for a while (a run, see `held`): path -> connection.
_HELD: dict[str, duckdb.DuckDBPyConnection] = {}


@contextmanager
def held(path: Path, wait_seconds: float = LOCK_WAIT_SECONDS) -> Iterator[duckdb.DuckDBPyConnection]:
    """Keep one read-write connection to `path` open until exit: `write_connection` and
    `read_connection` inside hand out cursors of it instead of opening, checkpointing and
    closing the file each time. A chunked stage commits hundreds of transactions; a checkpoint
    after each would rewrite the tables' indexes every time, a cost that grows with the
    warehouse (quadratic over a first load). Commits stay durable (DuckDB's write-ahead log);
    the file is checkpointed once, on exit, and DuckDB checkpoints by itself when the log grows."""
    key = str(path.resolve()) if path.exists() else str(path)
    if key in _HELD:
        yield _HELD[key]
        return
    with write_connection(path, wait_seconds) as conn:
        key = str(path.resolve())
        _HELD[key] = conn
        try:
            yield conn
        finally:
            del _HELD[key]


def _held_cursor(path: Path) -> duckdb.DuckDBPyConnection | None:
    conn = _HELD.get(str(path.resolve())) if path.exists() else None
    if conn is None:
        return None
    cursor = conn.cursor()
    cursor.execute(f"USE {ALIAS}")  # a cursor starts in the instance's default database, not the attached file
    return cursor


@contextmanager
def _lake_connection(lake: Lake) -> Iterator[duckdb.DuckDBPyConnection]:
    # Writers of a lake never wait for each other: each transaction commits a snapshot.
    conn = lakes.cursor(lake, MEMORY_LIMIT)
    try:
        if lake.key not in _MIGRATED or schema_version(conn) == 0:
            migrate(conn)
            _MIGRATED.add(lake.key)
        yield conn
    finally:
        conn.close()


@contextmanager
def _borrowed(path: Target) -> Iterator[duckdb.DuckDBPyConnection | None]:
    """A cursor of what this process already keeps open for `path` (the lake's instance, or the
    run's held connection to the file), closed on exit; None when there is nothing."""
    if isinstance(path, Lake):
        with _lake_connection(path) as conn:
            yield conn
        return
    cursor = _held_cursor(path)
    if cursor is None:
        yield None
        return
    try:
        yield cursor
    finally:
        cursor.close()


@contextmanager
def write_connection(path: Target, wait_seconds: float = LOCK_WAIT_SECONDS) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection with the schema in place, closed (and checkpointed) on exit; a
    cursor of the held connection inside `held`. (On a lake: a cursor of this process's instance.)"""
    with _borrowed(path) as shared:
        if shared is not None:
            yield shared
            return
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = _open(path, read_only=False, wait_seconds=wait_seconds)
    try:
        key = str(path.resolve())
        if key not in _MIGRATED or schema_version(conn) == 0:
            migrate(conn)
            _MIGRATED.add(key)
        yield conn
        conn.execute("CHECKPOINT")
    finally:
        conn.close()


@contextmanager
def read_connection(path: Target, wait_seconds: float = LOCK_WAIT_SECONDS) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection (a cursor of the held connection inside `held`); creates (or
    upgrades) the warehouse first when this process has not opened it for writing yet. (On a
    lake: a cursor of this process's instance.)"""
    with _borrowed(path) as shared:
        if shared is not None:
            yield shared
            return
    if not path.exists() or str(path.resolve()) not in _MIGRATED:
        with write_connection(path, wait_seconds):
            pass
    conn = _open(path, read_only=True, wait_seconds=wait_seconds)
    try:
        yield conn
    finally:
        conn.close()


def release_memory(conn: duckdb.DuckDBPyConnection, floor: str = "32MB", in_transaction: bool = False) -> None:
    """Give back to the system what the process keeps but no longer uses: the blocks DuckDB's
    buffer pool caches and what its allocator keeps of freed memory (lowering the limit to
    `floor` evicts every unpinned block and flushes the allocator; the data stays in the file
    or its temporary files, and is read again when needed), then what the C allocator keeps.
    A run holds one connection and one process from its first step to its last, so without
    this each step starts with what the steps before it cached, and its peak adds to theirs.
    DuckDB has no statement to empty its cache; the limit is its handle, set back at once
    (`MEMORY_LIMIT`). Measured on a late stories chunk of a 100k warehouse: 1,016 MiB resident
    before, 385 MiB after, of which DuckDB reported 245 MiB as its own.

    Inside a transaction (`in_transaction`) a failed statement aborts the transaction, and
    lowering the limit fails when what DuckDB cannot evict (an index the transaction built, say)
    exceeds it: the floor is then what DuckDB holds beyond its cached table blocks, plus a
    margin, so that only those blocks go."""
    if in_transaction:
        held = conn.execute("SELECT coalesce(sum(memory_usage_bytes) FILTER (WHERE tag <> 'BASE_TABLE'), 0) "
                            "FROM duckdb_memory()").fetchone()[0]
        floor = f"{max(32 * 2**20, int(held) + TRANSACTION_MARGIN) // 2**20}MiB"
    try:
        conn.execute(f"SET memory_limit = '{floor}'")
    except duckdb.Error:
        pass  # pinned blocks exceed the floor: what could be evicted was
    finally:
        conn.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    _trim_c_heap()


def held_memory(conn: duckdb.DuckDBPyConnection) -> dict[str, float]:
    """What DuckDB holds, in MiB by tag of `duckdb_memory()` (BASE_TABLE: cached table blocks,
    ART_INDEX: the indexes of primary keys, ...), the tags of 1 MiB or more, largest first."""
    rows = conn.execute("SELECT tag, memory_usage_bytes / 2^20 FROM duckdb_memory() "
                        "WHERE memory_usage_bytes >= 2^20 ORDER BY memory_usage_bytes DESC, tag").fetchall()
    return {tag: float(mib) for tag, mib in rows}


# What `release_memory` leaves DuckDB beyond what it holds, inside a transaction.
TRANSACTION_MARGIN = 16 * 2**20


def _trim_c_heap() -> None:
    # glibc keeps freed memory in its arenas; malloc_trim returns the free pages to the system.
    # Elsewhere (musl, macOS, Windows) there is no such call, and nothing to do.
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


@contextmanager
def transaction(conn: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All statements inside commit together or not at all."""
    conn.execute("BEGIN TRANSACTION")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def insert_frame(conn: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> int:
    """Append a polars frame to `table`, matching columns by name; returns the row count."""
    if frame.height == 0:
        return 0
    conn.register("_frame", frame.to_arrow())
    try:
        # `table` comes from our own code, never from input: identifiers cannot be parameters.
        conn.execute(f'INSERT INTO "{table}" BY NAME SELECT * FROM _frame')
    finally:
        conn.unregister("_frame")
    return frame.height


@contextmanager
def registered(conn: duckdb.DuckDBPyConnection, **frames: pl.DataFrame) -> Iterator[duckdb.DuckDBPyConnection]:
    """Polars frames visible to SQL under the given names for the duration of the block: a
    join on a registered frame instead of `list_contains(?, col)` over long parameter lists."""
    for name, frame in frames.items():
        conn.register(name, frame.to_arrow())
    try:
        yield conn
    finally:
        for name in frames:
            conn.unregister(name)


def inputs_fingerprint(conn: duckdb.DuckDBPyConnection, inputs: str, *built_with) -> str:
    """What a table rebuilt from others is built from: the row of `warehouse/sql/<inputs>.sql`
    (counts and order-free sums of row hashes of every table the build reads) and a digest of
    `built_with` (the SQL text or code that builds it and the settings passed to it), so that a
    changed setting or a new release of the build also rebuilds it."""
    observed = conn.execute(read_sql(inputs, conn)).fetchall()[0][0]
    digest = hashlib.sha256(repr(built_with).encode("utf-8")).hexdigest()[:16]
    return f"{observed}|{digest}"


def built_from(conn: duckdb.DuckDBPyConnection, name: str) -> str | None:
    """The fingerprint `name` was last built from (table `build_state`), None if never."""
    rows = conn.execute("SELECT fingerprint FROM build_state WHERE name = ?", [name]).fetchall()
    return rows[0][0] if rows else None


def record_build(conn: duckdb.DuckDBPyConnection, name: str, fingerprint: str) -> None:
    """Store what `name` was just built from; call it in the transaction of the rebuild."""
    conn.execute("DELETE FROM build_state WHERE name = ?", [name])
    conn.execute("INSERT INTO build_state VALUES (?, ?, now()::TIMESTAMP)", [name, fingerprint])


def rebuild_if_changed(conn: duckdb.DuckDBPyConnection, name: str, build: str, inputs: str,
                       parameters: list | None = None, run=None) -> bool:
    """Run `warehouse/sql/<build>.sql` (with `parameters`), which rebuilds `name`, only when the
    fingerprint of what it reads (`warehouse/sql/<inputs>.sql`, the build's text and its
    parameters) changed since the last build, and record the new one; returns whether it was
    rebuilt. `run(sql)` replaces the single execution of the build (a rebuild in parts). Call
    it inside a transaction (`transaction`), so the rebuild and its record commit together."""
    sql = read_sql(build)
    fingerprint = inputs_fingerprint(conn, inputs, sql, *(parameters or ()))
    if built_from(conn, name) == fingerprint:
        return False
    if run is not None:
        run(sql)
    else:
        conn.execute(sql, parameters or [])
    record_build(conn, name, fingerprint)
    return True


def build_in_ranges(conn: duckdb.DuckDBPyConnection, name: str, ranges: str, size: int, sql: str | None = None) -> None:
    """Build table `name` from scratch a range of keys at a time: `<name>_table.sql` creates it
    empty, then `sql` (by default `<name>.sql`, an INSERT over the keys `BETWEEN $1 AND $2`) runs
    for each (first, last) that `<ranges>.sql` returns for `size`, in order; so that no
    statement's hash tables hold the whole corpus."""
    conn.execute(read_sql(f"{name}_table"))
    sql = sql or read_sql(name)
    for first, last in conn.execute(read_sql(ranges), [size]).fetchall():
        conn.execute(sql, [first, last])


def rebuild_in_ranges(conn: duckdb.DuckDBPyConnection, name: str, inputs: str, ranges: str, size: int) -> bool:
    """`build_in_ranges` when what `name` is built from (`<inputs>.sql`) changed since its last
    build (`rebuild_if_changed`); returns whether it was rebuilt. The caller holds the transaction."""
    return rebuild_if_changed(conn, name, name, inputs, run=lambda sql: build_in_ranges(conn, name, ranges, size, sql))


def key_ranges(conn: duckdb.DuckDBPyConnection, sql: str, size: int) -> list[tuple]:
    """(first, last) of each run of `size` consecutive keys, in order, among the distinct keys the
    one-column query `sql` returns: the ranges a rebuild in parts takes (`BETWEEN $1 AND $2`),
    cut by DuckDB instead of handing every key to Python."""
    return conn.execute(f"SELECT min(k), max(k) FROM (SELECT k, (row_number() OVER (ORDER BY k) - 1) // {int(size)} AS part "
                        f"FROM ({sql}\n) AS keys(k)) GROUP BY part ORDER BY part").fetchall()


def query_in_ranges(conn: duckdb.DuckDBPyConnection, name: str, keys: str, size: int, schema: dict) -> pl.DataFrame:
    """`<name>.sql` (a query over the keys `BETWEEN $1 AND $2`) for each range of `size` keys of
    the one-column query `<keys>.sql` (`key_ranges`), in order, as one frame (`schema` when no
    key exists): so that no statement's hash tables hold every key of the corpus."""
    sql = read_sql(name)
    parts = [query_frame(conn, sql, [first, last]) for first, last in key_ranges(conn, read_sql(keys), size)]
    return pl.concat(parts) if parts else pl.DataFrame(schema=schema)


def keys_frame(column: str, values) -> pl.DataFrame:
    """A one-column frame of distinct, sorted strings, to register and join on."""
    return pl.DataFrame({column: sorted(set(values))}, schema={column: pl.String})


def query_frame(conn: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pl.DataFrame:
    """Run a query and return its result as a polars frame."""
    return conn.execute(sql, params or []).pl()


@contextmanager
def analyst_connection(target: Target) -> Iterator[duckdb.DuckDBPyConnection]:
    """What analysts query: the read-only copy of a warehouse file, or the lake itself attached
    read-only (it reads the latest snapshot while runs write, no copy)."""
    if isinstance(target, Lake):
        conn = lakes.connect(target, read_only=True)
    else:
        snapshot = snapshot_path_for(target)
        conn = duckdb.connect(str(snapshot), read_only=True, config=spill.config(snapshot))
    try:
        yield conn
    finally:
        conn.close()


def snapshot_path_for(warehouse_path: Path) -> Path:
    """Where the analysts' read-only copy of `warehouse_path` lives."""
    return warehouse_path.with_name(warehouse_path.stem + ".analyst.duckdb")


def publish_snapshot(warehouse_path: Path, snapshot_path: Path | None = None) -> "snapshot.Published":
    """Checkpoint the warehouse and publish it as the analysts' copy, writing only the blocks
    that changed since the copy before last (warehouse/snapshot.py): an open analyst session
    keeps reading the copy it opened and new sessions see the new one."""
    from warehouse import snapshot

    target = snapshot_path or snapshot_path_for(warehouse_path)
    held_conn = _HELD.get(str(warehouse_path.resolve())) if warehouse_path.exists() else None
    if held_conn is not None:
        held_conn.execute("CHECKPOINT")  # the run holds the file open: bring its log into it
    else:
        with write_connection(warehouse_path):
            pass  # make sure the file exists and its WAL is checkpointed into it
    return snapshot.publish(warehouse_path, target)
