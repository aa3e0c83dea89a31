"""The analysts' read-only copy of the warehouse, updated by what changed.

DuckDB lets one process write a database file and no other process open it meanwhile, so
analysts read a copy (`media.analyst.duckdb`) that a run publishes at its end. Copying the whole
file each time costs what the warehouse weighs, not what the run changed. Instead two
generations of the copy are kept:

- the current copy, under the name analysts open;
- the previous one (`<name>.spare`), which nobody opens by name.

A publish brings the spare up to date by writing only the blocks of the warehouse file that
differ from it (DuckDB appends and rewrites whole blocks, so a run that changed little differs
in few blocks), then gives it the analysts' name with an atomic rename; the copy it replaces
becomes the next spare. A session opened on the old copy keeps reading it undisturbed: the
spare is only written in place when no other process has it open (DuckDB holds a file lock for
each open database), otherwise the publish writes a fresh whole copy, as before.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

# Bytes compared and written at a time: DuckDB's block size.
BLOCK = 256 * 1024


@dataclass(frozen=True)
class Published:
    path: Path
    bytes_written: int
    bytes_total: int
    mode: str  # "blocks": the spare updated in place; "copy": a whole new copy


def spare_path_for(target: Path) -> Path:
    return target.with_name(target.name + ".spare")


def sync_blocks(source: Path, target: Path) -> int:
    """Make `target`'s bytes equal `source`'s, writing only the BLOCK-sized pieces that differ
    (and cutting or extending it to the source's length); returns the bytes written."""
    written = 0
    with open(source, "rb") as src, open(target, "r+b") as dst:
        offset = 0
        while True:
            new = src.read(BLOCK)
            if not new:
                break
            old = dst.read(len(new))
            if new != old:
                dst.seek(offset)
                dst.write(new)
                written += len(new)
            offset += len(new)
            dst.seek(offset)
        dst.truncate(offset)
        dst.flush()
        os.fsync(dst.fileno())
    return written


def _free_for_writing(path: Path) -> bool:
    """Whether no other process has `path` open as a database (DuckDB locks the files it opens)."""
    try:
        with open(path, "r+b") as handle:
            fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            fcntl.lockf(handle, fcntl.LOCK_UN)
        return True
    except OSError:
        return False


def publish(source: Path, target: Path) -> Published:
    """Publish the checkpointed database `source` as `target` (see the module's text)."""
    spare = spare_path_for(target)
    total = source.stat().st_size
    if spare.exists() and _free_for_writing(spare):
        written, mode = sync_blocks(source, spare), "blocks"
        staged = spare
    else:
        staged = target.with_name(target.name + ".tmp")
        shutil.copyfile(source, staged)
        written, mode = total, "copy"
    if target.exists():
        # The copy being replaced stays under the spare's name for the next publish; sessions
        # that have it open keep reading it (a later publish then finds it locked).
        next_spare = target.with_name(target.name + ".spare.tmp")
        next_spare.unlink(missing_ok=True)
        os.link(target, next_spare)
        os.replace(staged, target)
        os.replace(next_spare, spare)
    else:
        os.replace(staged, target)
    return Published(target, written, total, mode)
