"""Single assets materialized from the UI, as a user clicks them: `dagster dev` on a free port
with a scratch DAGSTER_HOME (the project's dagster.yaml: run queue, daemon, run workers), runs
submitted through Dagster's GraphQL client, the same calls the UI's "Materialize selected"
makes (the asset job `__ASSET_JOB` with one asset selected).

For each order: the first half of a landing folder loaded by a full run launched from the UI;
the second half arrives; every asset materialized alone, one run each, in that order; a full run
again. The public tables must then equal those of `python -m pipelines.run` on the same arrivals
into a fresh warehouse (times left out; story scores to two decimals, as in
tests/test_data_flow.py, whose table list this uses).

    .venv/bin/python -m benchmarks.check_ui_single_assets [--orders downstream,upstream,shuffled]

The landing folder is the data-flow tests' own corpus (tests/fixtures/flow), with the real spaCy
pipeline; prints one line per run and a verdict per order; exits 1 when any table differs.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_ui_runs import dagster_dev  # noqa: E402
from tests.fixtures.flow.make_corpus import write_corpus  # noqa: E402
from tests.test_data_flow import public_tables  # noqa: E402


def asset_order() -> list[str]:
    """Every asset key of the definitions, upstream first (a topological order)."""
    from pipelines.definitions import defs

    graph = defs.resolve_asset_graph()
    return [key.to_user_string() for level in graph.toposorted_asset_keys_by_level for key in sorted(level)]


def wait(instance_home: Path, run_id: str) -> tuple[str, float]:
    import dagster as dg

    with dg.DagsterInstance.from_config(str(instance_home)) as instance:
        while True:
            run = instance.get_run_by_id(run_id)
            if run.status in (dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED):
                break
            time.sleep(0.3)
        stats = instance.get_run_stats(run_id)
        seconds = (stats.end_time or 0) - (stats.start_time or 0)
        if run.status != dg.DagsterRunStatus.SUCCESS:
            errors = [e.message or "" for e in instance.all_logs(run_id) if e.level >= 40]
            return f"{run.status.value}: " + " | ".join(errors)[-2000:], seconds
    return "SUCCESS", seconds


def submit(client, home: Path, job: str, assets: list[str] | None = None) -> bool:
    from dagster import AssetKey

    selection = [AssetKey.from_user_string(a) for a in assets] if assets else None
    run_id = client.submit_job_execution(job, asset_selection=selection)
    status, seconds = wait(home, run_id)
    print(f"  {job if not assets else ', '.join(assets)}: {status} in {seconds:.1f} s", flush=True)
    return status == "SUCCESS"


def headless(landing: Path, warehouse: Path, home: Path) -> None:
    env = dict(os.environ, MEDIA_MONITOR_LANDING=str(landing), MEDIA_MONITOR_WAREHOUSE=str(warehouse),
               DAGSTER_HOME=str(home), MEDIA_MONITOR_LOG_LEVEL="WARNING")
    home.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "pipelines.run"], cwd=ROOT, env=env, check=True, capture_output=True)


def comparable(path: Path) -> dict[str, list]:
    tables = public_tables(path)
    tables["story_links"] = sorted((a, s, m, round(x or 0, 2), r) for a, s, m, x, r in tables["story_links"])
    return tables


def trial(order_name: str, order: list[str], work: Path) -> bool:
    base = work / order_name
    landing, home, warehouse = base / "landing", base / "home", base / "ui.duckdb"
    home.mkdir(parents=True)
    shutil.copy(ROOT / ".dagster_home" / "dagster.yaml", home / "dagster.yaml")
    env = dict(os.environ, DAGSTER_HOME=str(home), MEDIA_MONITOR_LANDING=str(landing),
               MEDIA_MONITOR_WAREHOUSE=str(warehouse))
    reference_landing, reference = base / "reference-landing", base / "reference.duckdb"
    write_corpus(landing, part=0)
    # The reference sees the same files (copies keep their times, which landing_files records).
    shutil.copytree(landing, reference_landing)
    headless(reference_landing, reference, base / "reference-home")
    ok = True
    with dagster_dev(env) as client:
        print(f"{order_name}: {' > '.join(order)}", flush=True)
        ok &= submit(client, home, "media_pipeline")
        write_corpus(landing, part=1)  # new files arrive
        shutil.copytree(landing, reference_landing, dirs_exist_ok=True)
        for name in order:
            ok &= submit(client, home, "__ASSET_JOB", [name])
        ok &= submit(client, home, "media_pipeline")
    headless(reference_landing, reference, base / "reference-home")
    ui, expected = comparable(warehouse), comparable(reference)
    differing = [name for name in expected if ui[name] != expected[name]]
    rows = sum(len(v) for v in expected.values())
    print(f"{order_name}: every run succeeded: {ok}; {len(expected)} public tables ({rows} rows) "
          f"{'equal to a headless run' if not differing else 'DIFFER: ' + ', '.join(differing)}", flush=True)
    return ok and not differing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", default="downstream,upstream,shuffled")
    args = parser.parse_args()
    upstream = asset_order()
    orders = {"upstream": upstream, "downstream": upstream[::-1],
              "shuffled": random.Random(7).sample(upstream, len(upstream))}
    work = Path(tempfile.mkdtemp(prefix="ui-single-assets-"))
    try:
        results = [trial(name, orders[name], work) for name in args.orders.split(",")]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
