"""The analysts' copy: only changed blocks written, and never under an open session."""

import subprocess
import sys
import time

import duckdb

from warehouse import db, snapshot


def _add_rejected(path, names):
    with db.write_connection(path) as conn:
        for name in names:
            conn.execute("INSERT INTO rejected_files VALUES (?, 'binary file', NULL, now())", [name])


def _count(path):
    conn = duckdb.connect(str(path), read_only=True)
    try:
        return conn.execute("SELECT count(*) FROM rejected_files").fetchone()[0]
    finally:
        conn.close()


def test_sync_blocks_writes_only_what_differs_and_matches_the_source(tmp_path):
    source, target = tmp_path / "source", tmp_path / "target"
    data = bytearray(b"a" * (snapshot.BLOCK * 4 + 100))
    source.write_bytes(bytes(data))
    target.write_bytes(bytes(data[: snapshot.BLOCK * 5]) + b"x" * 7)  # longer, so it is cut
    assert snapshot.sync_blocks(source, target) == 0  # the same bytes, only cut to length
    assert target.read_bytes() == source.read_bytes()
    data[snapshot.BLOCK + 5] = ord("b")
    source.write_bytes(bytes(data) + b"tail")
    assert snapshot.sync_blocks(source, target) == snapshot.BLOCK + 104
    assert target.read_bytes() == source.read_bytes()


def test_later_publishes_update_the_spare_by_blocks_and_equal_the_warehouse(tmp_path):
    path = tmp_path / "media.duckdb"
    _add_rejected(path, [f"f{i}.bin" for i in range(2000)])
    first = db.publish_snapshot(path)
    assert first.mode == "copy" and first.bytes_written == first.bytes_total
    _add_rejected(path, ["g.bin"])
    second = db.publish_snapshot(path)  # no spare yet: a whole copy; the first becomes the spare
    assert second.mode == "copy"
    _add_rejected(path, ["h.bin"])
    third = db.publish_snapshot(path)
    assert third.mode == "blocks"
    assert third.bytes_written < third.bytes_total
    assert third.path.read_bytes() == path.read_bytes()
    assert _count(third.path) == 2002


def test_a_session_open_in_another_process_keeps_its_copy(tmp_path):
    path = tmp_path / "media.duckdb"
    _add_rejected(path, ["a.bin"])
    target = db.publish_snapshot(path).path
    _add_rejected(path, ["b.bin"])
    db.publish_snapshot(path)  # the copy holding one row is now the spare
    # An analyst opened that copy before it was replaced and still reads it, in another process.
    spare = snapshot.spare_path_for(target)
    reader = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb, sys, time; c = duckdb.connect(sys.argv[1], read_only=True); "
         "print(c.execute('SELECT count(*) FROM rejected_files').fetchone()[0], flush=True); "
         "sys.stdin.readline(); print(c.execute('SELECT count(*) FROM rejected_files').fetchone()[0], flush=True)",
         str(spare)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert reader.stdout.readline().strip() == "1"
        _add_rejected(path, ["c.bin"])
        published = db.publish_snapshot(path)
        assert published.mode == "copy"  # the spare is open elsewhere: not written in place
        reader.stdin.write("\n")
        reader.stdin.flush()
        assert reader.stdout.readline().strip() == "1"
    finally:
        reader.communicate(timeout=30)
    assert _count(target) == 3


def test_a_publish_after_no_change_reads_and_writes_nothing(tmp_path):
    path = tmp_path / "media.duckdb"
    _add_rejected(path, ["a.bin"])
    db.publish_snapshot(path)
    again = db.publish_snapshot(path)
    assert (again.mode, again.bytes_written) == ("unchanged", 0)
    assert again.path.read_bytes() == path.read_bytes()


def test_a_change_after_a_publish_is_published_even_with_its_time_set_back(tmp_path):
    import os

    path = tmp_path / "media.duckdb"
    _add_rejected(path, ["a.bin"])
    target = db.publish_snapshot(path).path
    info = path.stat()
    _add_rejected(path, ["b.bin"])
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))  # same modification time as stamped
    assert db.publish_snapshot(path).mode != "unchanged"
    assert _count(target) == 2 and target.read_bytes() == path.read_bytes()


def test_a_copy_removed_or_replaced_is_published_again(tmp_path):
    path = tmp_path / "media.duckdb"
    _add_rejected(path, ["a.bin"])
    target = db.publish_snapshot(path).path
    target.unlink()
    assert db.publish_snapshot(path).mode == "copy" and _count(target) == 1
    target.write_bytes(b"not a database")
    assert db.publish_snapshot(path).mode != "unchanged"
    assert target.read_bytes() == path.read_bytes()
