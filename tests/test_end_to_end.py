"""The acceptance test of the first issue: the real pipeline (real spaCy model, real DuckDB
file) on the bundled sample landing folder, then re-runs that must change nothing."""

import os
import re
import subprocess
import sys
from datetime import date

import dagster as dg
import duckdb
import pytest

from pipelines.definitions import all_assets
from tests.conftest import PROJECT_ROOT

SEED_ACTORS = ["Xi Jinping", "Mikhail Mishustin", "Li Qiang", "Vladimir Putin", "China", "Russia"]
FURNITURE = ["Upgrade", "Premium", "Subscribe", "Ground AI", "Vantage", "Read Full Article"]
TABLES = ["articles", "mentions", "actors", "stories", "actor_timelines", "actor_coverage", "rejected_files", "landing_files"]


def table_rows(path):
    conn = duckdb.connect(str(path), read_only=True)
    try:
        return {t: sorted(conn.execute(f"SELECT * EXCLUDE (ingested_at) FROM {t}" if t == "articles" else
                                       f"SELECT * EXCLUDE (processed_at) FROM {t}" if t == "landing_files" else
                                       f"SELECT * FROM {t}").fetchall(), key=repr) for t in TABLES}
    finally:
        conn.close()


@pytest.fixture
def seeded_warehouse(seeds_landing, resources):
    result = dg.materialize(all_assets, resources=resources)
    assert result.success
    return resources["warehouse"].file


def test_seeds_acceptance(seeded_warehouse):
    conn = duckdb.connect(str(seeded_warehouse), read_only=True)
    articles = conn.execute("SELECT source_path, published_date, story_id, dup_group_id FROM articles ORDER BY 1").fetchall()
    assert [(a[0], a[1]) for a in articles] == [
        ("000_98e472a11067ee64.txt", date(2025, 11, 4)),
        ("004_ec1962df7905b879.txt", date(2025, 11, 4)),
    ]
    assert articles[0][2] is not None and articles[0][2] == articles[1][2], "one story"
    assert articles[0][3] != articles[1][3], "not duplicates of each other"
    assert conn.execute("SELECT count(*) FROM stories").fetchone()[0] == 1
    coverage = dict(conn.execute("SELECT name, articles FROM actor_coverage").fetchall())
    for name in SEED_ACTORS:
        assert coverage.get(name) == 2, (name, coverage.get(name))
    names = [row[0] for row in conn.execute("SELECT name FROM actors").fetchall()]
    surfaces = [row[0] for row in conn.execute("SELECT DISTINCT surface FROM mentions").fetchall()]
    for junk in FURNITURE:
        assert not any(junk.lower() in n.lower() for n in names + surfaces), junk
    assert conn.execute("SELECT count(*) FROM rejected_files").fetchone()[0] == 0
    conn.close()


def test_rematerializing_changes_nothing(seeded_warehouse, resources):
    before = table_rows(seeded_warehouse)
    assert dg.materialize(all_assets, resources=resources).success
    assert table_rows(seeded_warehouse) == before


def test_headless_run_twice_adds_nothing(seeds_landing, tmp_path):
    """`make run` is `python -m pipelines.run`: a Dagster run of the project's Definitions."""
    env = dict(os.environ, MEDIA_MONITOR_LANDING=str(seeds_landing), MEDIA_MONITOR_EXPORTS=str(tmp_path / "exports"),
               MEDIA_MONITOR_WAREHOUSE=str(tmp_path / "run.duckdb"), DAGSTER_HOME=str(tmp_path / "dagster_home"))
    first = subprocess.run([sys.executable, "-m", "pipelines.run", "--summary"], cwd=PROJECT_ROOT, env=env,
                           capture_output=True, text=True, timeout=600)
    assert first.returncode == 0, first.stderr[-3000:]
    assert "articles: 2" in first.stdout
    # The steps share one process: after each, what it cached is given back (pipelines/jobs.py).
    released = re.findall(r"(\w+): ([\d,]+) MiB resident at its end, ([\d,]+) MiB after giving back", first.stderr)
    assert {"raw_articles", "cleaned_articles", "stories", "actor_coverage"} <= {step for step, _, _ in released}
    # ... and which step raised the process's peak (the first one always does).
    peaks = re.findall(r"(\w+): .*; the process's peak so far ([\d,]+) MiB( \(raised by this step\))?", first.stderr)
    assert peaks and peaks[0][0] == "raw_articles" and peaks[0][2]
    so_far = [int(p.replace(",", "")) for _, p, _ in peaks]
    assert so_far == sorted(so_far)
    after_first = table_rows(tmp_path / "run.duckdb")
    second = subprocess.run([sys.executable, "-m", "pipelines.run"], cwd=PROJECT_ROOT, env=env,
                            capture_output=True, text=True, timeout=600)
    assert second.returncode == 0, second.stderr[-3000:]
    assert table_rows(tmp_path / "run.duckdb") == after_first
    assert (tmp_path / "run.analyst.duckdb").exists()
    runs = list((tmp_path / "dagster_home").rglob("*.db"))
    assert runs, "the runs are recorded in DAGSTER_HOME for the UI"


def test_example_queries_answer_on_the_seeds(seeded_warehouse):
    conn = duckdb.connect(str(seeded_warehouse), read_only=True)
    for path in sorted((PROJECT_ROOT / "warehouse" / "queries").glob("*.sql")):
        rows = conn.execute(path.read_text()).fetchall()
        if path.stem not in ("rejected", "alerts", "blindspots"):  # none in two articles of one day
            assert rows, f"{path.name} returned nothing on the seeds"
    conn.close()


def test_sql_shell_reads_the_analysts_copy_from_a_pipe(seeded_warehouse):
    env = dict(os.environ, MEDIA_MONITOR_WAREHOUSE=str(seeded_warehouse))
    writer = duckdb.connect(str(seeded_warehouse))  # a run holding the warehouse does not block analysts
    try:
        shell = subprocess.run([sys.executable, "-m", "warehouse.shell"], cwd=PROJECT_ROOT, env=env,
                               input="select count(*) as n from articles; select 'a;b' as s;",
                               capture_output=True, text=True, timeout=120)
    finally:
        writer.close()
    assert shell.returncode == 0, shell.stderr
    assert re.search(r"│\s*2\s*│", shell.stdout) and "a;b" in shell.stdout
