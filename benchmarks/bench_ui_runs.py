"""Runs launched the way the UI, the sensor and the schedule launch them (through the run queue
and the daemon, each run in its own run-worker process) against `make run` on the same work:
the sample landing folder into a fresh warehouse, alternating A and B so a noisy machine
affects both alike. Starts `dagster dev` on a free port with a scratch DAGSTER_HOME (the
project's dagster.yaml) and submits runs through Dagster's GraphQL client.

    .venv/bin/python -m benchmarks.bench_ui_runs [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LANDING = ROOT / "data" / "landing"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def dagster_dev(env: dict):
    """`dagster dev` on the project's workspace and a free port, with `env`; yields a GraphQL
    client once the webserver answers, and stops the whole process group on exit."""
    from dagster_graphql import DagsterGraphQLClient

    port = free_port()
    # `dagster dev` stops on SIGTERM by treating it as SIGINT; a shell that starts this script in
    # the background makes SIGINT ignored, and the child would inherit that and never stop.
    dev = subprocess.Popen([str(Path(sys.executable).with_name("dagster")), "dev", "-w", "workspace.yaml", "-p", str(port)],
                           cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                           preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        client = DagsterGraphQLClient("127.0.0.1", port_number=port)
        for _ in range(240):
            try:
                client._execute("{ version }")
                break
            except Exception:
                time.sleep(1)
        yield client
    finally:
        os.killpg(dev.pid, signal.SIGTERM)
        try:
            dev.wait(timeout=120)
        except subprocess.TimeoutExpired:
            os.killpg(dev.pid, signal.SIGKILL)
            dev.wait()


def headless(warehouse: Path, home: Path) -> float:
    env = dict(os.environ, MEDIA_MONITOR_LANDING=str(LANDING), MEDIA_MONITOR_WAREHOUSE=str(warehouse),
               DAGSTER_HOME=str(home), MEDIA_MONITOR_LOG_LEVEL="WARNING")
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pipelines.run"], cwd=ROOT, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def launched(client, instance_home: Path, warehouse: Path) -> float:
    import dagster as dg

    config = {"resources": {"warehouse": {"config": {"path": str(warehouse)}},
                            "landing": {"config": {"path": str(LANDING)}}}}
    start = time.perf_counter()
    run_id = client.submit_job_execution("media_pipeline", run_config=config)
    with dg.DagsterInstance.from_config(str(instance_home)) as instance:
        while True:
            status = instance.get_run_by_id(run_id).status
            if status in (dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED):
                break
            time.sleep(0.2)
        if status != dg.DagsterRunStatus.SUCCESS:
            errors = [e.message or "" for e in instance.all_logs(run_id) if e.level >= 40 or "FAILURE" in str(e.dagster_event_type)]
            raise SystemExit(f"launched run {run_id} ended {status}: " + " | ".join(errors)[-3000:])
        phases = {}
        for e in instance.all_logs(run_id):
            name = str(e.dagster_event_type).split(".")[-1] if e.dagster_event_type else None
            if name and name not in phases:
                phases[name] = e.timestamp
        t0 = min(phases.values())
        print("   phases: " + ", ".join(f"{k} +{v - t0:.1f}s" for k, v in phases.items()
                                     if k in ("RUN_ENQUEUED", "RUN_DEQUEUED", "RUN_STARTING", "RUN_START", "STEP_START",
                                              "RUN_SUCCESS")), flush=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-ui-"))
    home = work / "home"
    home.mkdir()
    shutil.copy(ROOT / ".dagster_home" / "dagster.yaml", home / "dagster.yaml")
    env = dict(os.environ, DAGSTER_HOME=str(home), MEDIA_MONITOR_LANDING=str(LANDING),
               MEDIA_MONITOR_WAREHOUSE=str(work / "unused.duckdb"))
    try:
        with dagster_dev(env) as client:
            ui, cli = [], []
            for i in range(args.rounds):
                ui.append(launched(client, home, work / f"ui{i}.duckdb"))
                cli.append(headless(work / f"cli{i}.duckdb", work / "home-cli"))
                print(f"round {i + 1}: launched {ui[-1]:.1f} s, make run {cli[-1]:.1f} s, ratio {ui[-1] / cli[-1]:.2f}",
                      flush=True)
        print(f"median: launched {statistics.median(ui):.1f} s, make run {statistics.median(cli):.1f} s, "
              f"ratio {statistics.median(u / c for u, c in zip(ui, cli)):.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
