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

A publish also leaves a stamp beside the copy (`<name>.published`): the warehouse file's and the
copy's size, modification and change times and inode as they were right after it. When both
files still match their stamp (a run that changed nothing: DuckDB wrote no byte of the
warehouse), the copy already equals the warehouse and the publish reads and writes nothing.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

# Bytes compared and written at a time: DuckDB's block size.
BLOCK = 256 * 1024
# DuckDB's file header and its two alternating database headers (4 KiB each).
HEADER = 3 * 4096


@dataclass(frozen=True)
class Published:
    path: Path
    bytes_written: int
    bytes_total: int
    mode: str  # "blocks": the spare updated in place; "copy": a whole new copy; "unchanged": nothing to do


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


def stamp_path_for(target: Path) -> Path:
    return target.with_name(target.name + ".published")


def _file_stamp(path: Path) -> list:
    """What changes whenever a file's bytes do (or it is replaced): size, modification and
    change times (the latter cannot be set back), inode, and a digest of its first HEADER
    bytes, where DuckDB's database headers count every checkpoint that wrote something (so a
    write within the file system's timestamp granularity is seen too)."""
    info = path.stat()
    with open(path, "rb") as handle:
        head = hashlib.sha256(handle.read(HEADER)).hexdigest()
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, head]


def _current_stamp(source: Path, target: Path) -> dict | None:
    try:
        return {"warehouse": _file_stamp(source), "copy": _file_stamp(target)}
    except FileNotFoundError:
        return None


def _published_stamp(target: Path) -> dict | None:
    try:
        return json.loads(stamp_path_for(target).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def publish(source: Path, target: Path) -> Published:
    """Publish the checkpointed database `source` as `target` (see the module's text)."""
    spare = spare_path_for(target)
    total = source.stat().st_size
    current = _current_stamp(source, target)
    if current is not None and current == _published_stamp(target):
        return Published(target, 0, total, "unchanged")
    stamp = stamp_path_for(target)
    stamp.unlink(missing_ok=True)
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
    staged_stamp = stamp.with_name(stamp.name + ".tmp")
    staged_stamp.write_text(json.dumps(_current_stamp(source, target)), encoding="utf-8")
    os.replace(staged_stamp, stamp)
    return Published(target, written, total, mode)
