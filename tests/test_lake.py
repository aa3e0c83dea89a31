"""Past one machine, against real services: the pipeline on a DuckLake with its catalog in
PostgreSQL, entity extraction by two workers at once (Dagster's multiprocess executor, and
Celery workers over RabbitMQ), a worker killed mid-chunk, and an analyst reading the lake while
a run writes it. Every public table must equal the embedded single-file run's.

The services are PostgreSQL at 127.0.0.1:5432 (trust authentication) and RabbitMQ at
127.0.0.1:5672 (guest/guest). In CI (CI=true) these tests fail when a service is unreachable;
on a machine without them they are skipped (README, "Past one machine", says how to start them).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.definitions import all_assets
from pipelines.resources import WarehouseResource
from tests.conftest import PROJECT_ROOT, SAMPLE_LANDING, resources_for
from tests.test_data_flow import PUBLIC
from warehouse import db
from warehouse import lake as lakes
from warehouse.lake import Lake

IN_CI = os.environ.get("CI", "").lower() == "true"
PG_HOST, PG_PORT = "127.0.0.1", 5432
BROKER = "pyamqp://guest:guest@127.0.0.1:5672//"
# Chunk sizes change which articles a story's first members are compared with, so each lake
# run is compared with a file run of the same chunk size. Small chunks where a kill must land
# mid-work (many commits per worker), the default elsewhere (fewer lake commits, faster).
SMALL_CHUNK, CHUNK = 5, 1000


def unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason}: CI provides this service, the test must run there")
    pytest.skip(reason)


def require_port(port: int, service: str) -> None:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=3).close()
    except OSError as exc:
        unavailable(f"{service} is not reachable at 127.0.0.1:{port} ({exc})")


def psql(user: str, sql: str) -> subprocess.CompletedProcess:
    return subprocess.run(["psql", "-h", PG_HOST, "-p", str(PG_PORT), "-U", user, "-d", "postgres", "-v", "ON_ERROR_STOP=1",
                           "-qc", sql], capture_output=True, text=True, timeout=60)


@pytest.fixture
def lake(tmp_path) -> Lake:
    """A fresh DuckLake: its own PostgreSQL database (dropped afterwards) and data folder."""
    require_port(PG_PORT, "PostgreSQL")
    if shutil.which("psql") is None:
        unavailable("psql (PostgreSQL's client) is not installed")
    name = f"mm_lake_{uuid.uuid4().hex[:12]}"
    for user in ("postgres", "root"):
        created = psql(user, f"CREATE DATABASE {name}")
        if created.returncode == 0:
            break
    else:
        unavailable(f"cannot create a PostgreSQL database as postgres or root: {created.stderr.strip()}")
    target = Lake(catalog=f"postgres:dbname={name} host={PG_HOST} port={PG_PORT} user={user}", data=tmp_path / "lake-data")
    try:
        yield target
    finally:
        lakes.forget(target)
        psql(user, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def tables(conn: duckdb.DuckDBPyConnection) -> dict[str, list]:
    return {name: sorted(conn.execute(sql).fetchall(), key=repr) for name, sql in PUBLIC.items()}


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The public tables of the embedded single-file run (in one process) with a chunk size."""
    done: dict[int, dict[str, list]] = {}

    def run(chunk: int) -> dict[str, list]:
        if chunk not in done:
            tmp = tmp_path_factory.mktemp(f"reference-{chunk}")
            resources = resources_for(tmp, SAMPLE_LANDING)
            resources["warehouse"] = WarehouseResource(path=str(tmp / "media.duckdb"), chunk_size=chunk, chunk_files=chunk)
            assert dg.materialize(all_assets, resources=resources).success
            with db.read_connection(tmp / "media.duckdb") as conn:
                done[chunk] = tables(conn)
        return done[chunk]

    return run


def lake_tables(lake: Lake) -> dict[str, list]:
    with db.analyst_connection(lake) as conn:  # read-only attach, as analysts do
        return tables(conn)


def run_env(lake: Lake, home: Path, executor: str, workers: int = 2, chunk: int = CHUNK) -> dict[str, str]:
    home.mkdir(parents=True, exist_ok=True)
    return dict(os.environ, MEDIA_MONITOR_LANDING=str(SAMPLE_LANDING), MEDIA_MONITOR_WAREHOUSE_KIND="ducklake",
                MEDIA_MONITOR_DUCKLAKE_CATALOG=lake.catalog, MEDIA_MONITOR_DUCKLAKE_DATA=str(lake.data),
                MEDIA_MONITOR_ENTITY_WORKERS=str(workers), MEDIA_MONITOR_EXECUTOR=executor,
                MEDIA_MONITOR_CELERY_BROKER=BROKER, MEDIA_MONITOR_CHUNK_SIZE=str(chunk), MEDIA_MONITOR_CHUNK_FILES=str(chunk),
                MEDIA_MONITOR_LOG_LEVEL="INFO", DAGSTER_HOME=str(home), PYTHONPATH=str(PROJECT_ROOT))


def start_run(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "pipelines.run"], cwd=PROJECT_ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def finish(process: subprocess.Popen, lines: list[str] | None = None) -> tuple[int, str]:
    lines = lines if lines is not None else []
    for line in process.stdout:
        lines.append(line)
    process.stdout.close()
    return process.wait(timeout=600), "".join(lines)


def step_windows(home: Path, prefix: str) -> dict[str, tuple[float, float]]:
    """(start, end) times of the run's steps whose key starts with `prefix`, from the instance."""
    with dg.DagsterInstance.from_config(str(home)) as instance:
        run = instance.get_runs(limit=1)[0]
        events = [e for e in instance.all_logs(run.run_id) if e.step_key and e.step_key.startswith(prefix)]
    windows: dict[str, list[float]] = {}
    for event in events:
        if event.dagster_event is None:
            continue
        kind = event.dagster_event.event_type_value
        if kind == "STEP_START":
            windows.setdefault(event.step_key, [0.0, 0.0])[0] = event.timestamp
        elif kind == "STEP_SUCCESS":
            windows.setdefault(event.step_key, [0.0, 0.0])[1] = event.timestamp
    return {k: (s, e) for k, (s, e) in windows.items()}


COUNTS = """SELECT (SELECT count(*) FROM raw_records), (SELECT count(*) FROM article_texts),
                   (SELECT count(*) FROM entity_runs), (SELECT count(*) FROM entity_spans),
                   (SELECT count(*) FROM actor_mentions), (SELECT count(*) FROM story_links),
                   (SELECT count(*) FROM entity_spans WHERE content_hash NOT IN (SELECT content_hash FROM entity_runs))"""


def watch_as_analyst(lake: Lake, process: subprocess.Popen) -> list[dict]:
    """While the run writes, with the lake attached read-only: each round reads counts twice in
    one transaction a moment apart, then again in a new transaction. Returns what it saw."""
    seen, conn = [], None
    try:
        while process.poll() is None:
            try:
                conn = conn or lakes.connect(lake, read_only=True)
                conn.execute("BEGIN TRANSACTION")
                first = conn.execute(COUNTS).fetchone()
                time.sleep(0.7)
                second = conn.execute(COUNTS).fetchone()
                conn.execute("COMMIT")
                running = process.poll() is None
                fresh = conn.execute(COUNTS).fetchone()
            except duckdb.Error:
                if seen:
                    raise
                if conn is not None:  # the run has not created the lake or its tables yet
                    conn.close()
                    conn = None
                time.sleep(0.5)
                continue
            seen.append({"first": first, "second": second, "fresh": fresh, "running": running})
            time.sleep(0.5)
    finally:
        if conn is not None:
            conn.close()
    return seen


def test_two_entity_workers_on_a_postgres_lake_equal_the_single_file_run(lake, reference, tmp_path):
    """Dagster's multiprocess executor, two entity workers at once, each committing its own
    chunks to the lake; an analyst reads the lake read-only throughout."""
    home = tmp_path / "home"
    process = start_run(run_env(lake, home, "multiprocess"))
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True)
    reader.start()
    seen = watch_as_analyst(lake, process)
    reader.join(timeout=600)
    code = process.wait(timeout=600)
    log = "".join(lines)
    assert code == 0, log[-4000:]

    # Two worker processes, at the same time.
    pids = set(re.findall(r"entity worker \d of 2 in process (\d+)", log))
    assert len(pids) == 2, log[-4000:]
    windows = step_windows(home, "entity_spans.entity_worker_")
    assert len(windows) == 2
    (start0, end0), (start1, end1) = windows.values()
    assert start0 < end1 and start1 < end0, f"the entity workers did not overlap: {windows}"

    assert lake_tables(lake) == reference(CHUNK)

    # The analyst's queries answered while the run wrote, each from one consistent snapshot:
    # never a span without its run row, and the same counts within a transaction even when the
    # run committed in between (a fresh connection saw more).
    assert [s for s in seen if s["running"]], "no analyst query answered while the run was writing"
    assert all(s["first"][-1] == 0 and s["second"][-1] == 0 and s["fresh"][-1] == 0 for s in seen)
    moved = [s for s in seen if s["fresh"][:-1] != s["first"][:-1]]
    assert moved, "the run committed nothing while the analyst read (nothing to prove)"
    assert all(s["first"] == s["second"] for s in seen)


def test_an_entity_worker_killed_mid_chunk_then_a_rerun_equals_a_clean_run(lake, reference, tmp_path):
    home = tmp_path / "home"
    env = run_env(lake, home, "multiprocess", chunk=SMALL_CHUNK)
    process = start_run(env)
    lines, victim, killed = [], None, False
    for line in process.stdout:
        lines.append(line)
        found = re.search(r"entity worker 0 of 2 in process (\d+)", line)
        if found:
            victim = int(found.group(1))
        if victim and not killed and "entities (worker 0 of 2): chunk 1 of" in line and " committed, " in line:
            os.kill(victim, signal.SIGKILL)  # it is on its second chunk now
            killed = True
    code, log = finish(process, lines)
    assert killed, log[-4000:]
    assert code != 0, "the run reports the dead worker's step as failed"
    with db.analyst_connection(lake) as conn:
        analysed = conn.execute("SELECT count(*) FROM entity_runs").fetchone()[0]
    assert analysed < len({row[0] for row in reference(SMALL_CHUNK)["articles"]}), "work was left for the re-run"

    code, log = finish(start_run(env))
    assert code == 0, log[-4000:]
    assert lake_tables(lake) == reference(SMALL_CHUNK)


@pytest.fixture
def celery_workers(tmp_path):
    """Two real Celery worker processes (one step at a time each) over the local RabbitMQ."""
    require_port(5672, "RabbitMQ")
    started = []

    def start(env: dict[str, str]) -> list[subprocess.Popen]:
        for k in range(2):
            log = open(tmp_path / f"worker{k}.log", "w")
            process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "pipelines.celery_app", "worker", "-Q", "dagster",
                 "--concurrency", "1", "-n", f"lake{k}-{uuid.uuid4().hex[:6]}@%h", "--loglevel", "INFO",
                 "--without-gossip", "--without-mingle"],
                cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
            started.append((process, tmp_path / f"worker{k}.log"))
        deadline = time.monotonic() + 90
        for process, path in started:
            while " ready." not in path.read_text():
                assert process.poll() is None, path.read_text()[-3000:]
                assert time.monotonic() < deadline, path.read_text()[-3000:]
                time.sleep(0.3)
        return [p for p, _ in started]

    yield start
    for process, _ in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process, _ in started:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def test_celery_executor_with_two_workers_over_rabbitmq_equals_the_single_file_run(lake, reference, tmp_path, celery_workers):
    home = tmp_path / "home"
    env = run_env(lake, home, "celery")
    celery_workers(env)
    code, log = finish(start_run(env))
    assert code == 0, log[-4000:]
    with dg.DagsterInstance.from_config(str(home)) as instance:
        run = instance.get_runs(limit=1)[0]
        hosts = {}
        for event in instance.all_logs(run.run_id):
            if event.dagster_event is not None and event.step_key and event.step_key.startswith("entity_spans.entity_worker_") \
                    and "in celery worker" in (event.dagster_event.message or ""):
                data = event.dagster_event.event_specific_data
                hosts[event.step_key] = {m.label: m.value for m in [
                    *(getattr(data, "metadata_entries", None) or [])]}.get("Celery worker") or \
                    str((getattr(data, "metadata", None) or {}).get("Celery worker"))
    assert len(hosts) == 2 and len(set(hosts.values())) == 2, f"the entity workers ran on {hosts}"
    assert lake_tables(lake) == reference(CHUNK)
