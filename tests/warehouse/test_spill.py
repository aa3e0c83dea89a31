"""Each DuckDB connection spills into a directory of its own (warehouse/spill.py): processes
started from the same folder never write over each other's temporary files."""

import os
import subprocess
import sys
from pathlib import Path

import duckdb

from tests.conftest import PROJECT_ROOT
from warehouse import db, spill

# More than the memory limit set below: the temporary table goes to DuckDB's temporary files.
FILL = "CREATE OR REPLACE TEMP TABLE t AS SELECT md5((i * 7 + {k})::VARCHAR) AS s FROM range(3000000) r(i)"
READ = "SELECT count(*), sum(hash(s))::VARCHAR FROM t"

SPILLER = f"""
import sys
from pathlib import Path
from warehouse import db
with db.write_connection(Path(sys.argv[1])) as conn:
    conn.execute("SET memory_limit = '96MB'")
    conn.execute("SET threads = 1")
    for k in range(3):
        conn.execute({FILL!r}.format(k=k))
        print(*conn.execute({READ!r}).fetchone(), flush=True)
"""


def _spilling(warehouse: Path, cwd: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", SPILLER, str(warehouse)], cwd=cwd, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)})


def test_two_processes_started_from_one_folder_spill_without_harming_each_other(tmp_path):
    # With DuckDB's default (`.tmp` in the working directory) this ends with one process
    # reading the other's blocks: wrong sums, an IO error or a segmentation fault.
    expected = []
    with duckdb.connect() as conn:
        for k in range(3):
            conn.execute(FILL.format(k=k))
            expected.append(" ".join(str(v) for v in conn.execute(READ).fetchone()))
    runs = [_spilling(tmp_path / f"{name}.duckdb", tmp_path) for name in ("a", "b")]
    for run in runs:
        out, err = run.communicate(timeout=300)
        assert run.returncode == 0, err[-2000:]
        assert out.split("\n")[:3] == expected, (out, err[-2000:])
    assert not (tmp_path / ".tmp").exists()
    for name in ("a", "b"):
        left = list((tmp_path / f"{name}.duckdb.spill").iterdir())
        assert left == [], left  # removed as each connection closed


def test_each_connection_has_its_own_spill_directory_beside_the_warehouse(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    seen = []
    for _ in range(2):
        with db.write_connection(warehouse) as conn:
            seen.append(Path(conn.execute("SELECT current_setting('temp_directory')").fetchone()[0]))
    assert seen[0] != seen[1]
    assert all(p.parent == tmp_path / "w.duckdb.spill" for p in seen)
    assert all(p.name.split("-")[:2] == [spill._HOST, str(os.getpid())] for p in seen)


def test_what_a_killed_process_left_is_removed_and_a_live_ones_kept(tmp_path):
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    base = tmp_path / "w.duckdb.spill"
    left = base / f"{spill._HOST}-{gone.pid}-0"
    left.mkdir(parents=True)
    (left / "duckdb_temp_storage_S32K-0.tmp").write_bytes(b"x" * 1024)
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        kept = base / f"{spill._HOST}-{alive.pid}-3"
        kept.mkdir()
        elsewhere = base / f"another_machine-{gone.pid}-0"  # another host's process ids say nothing here
        elsewhere.mkdir()
        spill.directory(tmp_path / "w.duckdb")
        assert not left.exists()
        assert kept.exists() and elsewhere.exists()
    finally:
        alive.kill()
        alive.wait()
