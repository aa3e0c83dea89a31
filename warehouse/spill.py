"""Where DuckDB spills: a directory of each connection's own, beside the database it opens.

DuckDB writes what does not fit under its memory limit to temporary files of fixed names
(`duckdb_temp_storage_S32K-0.tmp`, ...) in one directory: by default `.tmp` in the working
directory for a connection that attaches a file (as the run's does) and `<file>.tmp` for one
that opens it. Two DuckDB instances spilling into the same directory write over each other's
blocks: two runs started from the same folder on different warehouses (2026-12-02) ended one
with `IO Error: Could not read enough bytes from file ".tmp/duckdb_temp_storage_S32K-0.tmp"`
and the other with a segmentation fault while scanning strings; a run and `make sql` or `make
export` (both started from the project's root) could do the same to each other.

So each connection gets `<database>.spill/<host>-<pid>-<n>`: DuckDB creates it when it first
spills and removes it when the connection closes; what a killed process left behind is removed
by the next connection on the same host that finds that process gone (a lake's data folder may
be shared by several machines, whose process ids say nothing about each other).
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import tempfile
from pathlib import Path

_NUMBERS = itertools.count()
# The machine's name, without the separator the directory names use.
_HOST = socket.gethostname().replace("-", "_") or "host"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def remove_stale(base: Path) -> list[Path]:
    """Remove the spill directories under `base` whose process is gone; returns them."""
    removed = []
    try:
        entries = list(base.iterdir())
    except FileNotFoundError:
        return removed
    for entry in entries:
        host, _, rest = entry.name.rpartition("-")[0].rpartition("-")
        pid = rest if host == _HOST else ""
        if entry.is_dir() and pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def directory(near: Path | str) -> str:
    """A spill directory no other DuckDB instance uses, for a connection to the database at
    `near` (a file, or a lake's data folder): `<near>.spill/<host>-<pid>-<n>`, not created yet."""
    base = Path(f"{near}.spill")
    try:
        base.mkdir(parents=True, exist_ok=True)
    except OSError:  # a read-only folder (an analyst's copy on a shared mount): the system's
        base = Path(tempfile.gettempdir()) / "media-monitor.spill"
        base.mkdir(parents=True, exist_ok=True)
    remove_stale(base)
    return str(base / f"{_HOST}-{os.getpid()}-{next(_NUMBERS)}")


def config(near: Path | str, **settings) -> dict:
    """DuckDB's connection settings `settings` with a spill directory of its own (`directory`)."""
    return {**settings, "temp_directory": directory(near)}
