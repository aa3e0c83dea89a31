"""The pipeline's own cost at scale, through `make run`'s entry point (`python -m pipelines.run`):
a full load of N generated articles, a run after 1% new files, and a run with nothing new; peak
resident memory of each run (from the kernel's accounting of the child process), wall time, and
time per article, in wall seconds and in processor seconds (user + system of the run and the
entity workers it waited for). A descheduled virtual core's time counts in neither, but the
host's speed per processor second drifts too: the same 10k load took 15.41 and 11.79 processor
seconds per 1,000 articles an hour apart (docs/performance.md). Uses
../shared/eval/make_scale_corpus.py (skipped when absent) and its rule-based entity pipeline, so
that the pipeline's cost is measured, not the model's.

    .venv/bin/python -m benchmarks.bench_scale --articles 10000 [--articles 100000 ...] [--work /tmp/scale]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAKER = ROOT.parent / "shared" / "eval" / "make_scale_corpus.py"


def run(landing: Path, warehouse: Path, home: Path, pipeline: Path) -> tuple[float, float, float]:
    """(wall seconds, peak RSS in MiB, processor seconds) of one `python -m pipelines.run` in a
    child process."""
    env = dict(os.environ, MEDIA_MONITOR_LANDING=str(landing), MEDIA_MONITOR_WAREHOUSE=str(warehouse),
               DAGSTER_HOME=str(home), MEDIA_MONITOR_SPACY_PIPELINE=str(pipeline), MEDIA_MONITOR_LOG_LEVEL="WARNING")
    home.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        os.chdir(ROOT)
        os.execve(sys.executable, [sys.executable, "-m", "pipelines.run"], env)
    _, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"run failed with status {status}")
    return seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def step_seconds(home: Path) -> dict[str, float]:
    """Seconds per step of the latest run recorded under `home` (from Dagster's event log)."""
    from dagster import DagsterInstance
    from dagster._core.instance.ref import InstanceRef

    with DagsterInstance.from_ref(InstanceRef.from_dir(str(home))) as instance:
        runs = instance.get_runs(limit=1)
        if not runs:
            return {}
        stats = instance.get_run_step_stats(runs[0].run_id)
    return {s.step_key: round((s.end_time or 0) - (s.start_time or 0), 1) for s in stats if s.start_time}


def step_peaks(home: Path) -> dict[str, int]:
    """The process's peak RSS in MiB at the end of each step that raised it, in the latest run
    recorded under `home` (from the steps' own log lines, pipelines/hooks.py)."""
    import re

    from dagster import DagsterInstance
    from dagster._core.instance.ref import InstanceRef

    with DagsterInstance.from_ref(InstanceRef.from_dir(str(home))) as instance:
        runs = instance.get_runs(limit=1)
        if not runs:
            return {}
        messages = [e.user_message or "" for e in instance.all_logs(runs[0].run_id)]
    found = (re.match(r"(\w+): .* peak so far ([\d,]+) MiB \(raised by this step\)", m) for m in messages)
    return {m.group(1): int(m.group(2).replace(",", "")) for m in found if m}


def snapshot_written(home: Path) -> str:
    """What the latest run's analyst_snapshot wrote: bytes written of the copy's bytes, and how."""
    from dagster import AssetKey, DagsterInstance
    from dagster._core.instance.ref import InstanceRef

    with DagsterInstance.from_ref(InstanceRef.from_dir(str(home))) as instance:
        event = instance.get_latest_materialization_event(AssetKey("analyst_snapshot"))
    if event is None or event.asset_materialization is None:
        return "no analysts' copy"
    meta = {k: v.value for k, v in event.asset_materialization.metadata.items()}
    return f"analysts' copy: {meta.get('bytes_written')} of {meta.get('bytes')} bytes written ({meta.get('mode')})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, action="append", required=True)
    parser.add_argument("--work", default="/tmp/media-monitor-scale")
    parser.add_argument("--steps", action="store_true", help="also print each step's seconds in the full load")
    args = parser.parse_args()
    if not MAKER.exists():
        print(f"no scale corpus maker at {MAKER}: skipped")
        return
    work = Path(args.work)
    print("articles | full load s | s/1k articles | peak RSS MiB | +1% new s | nothing new s | 1% beyond nothing-new / full"
          " | +1% peak RSS MiB | full load processor s | processor s/1k articles")
    for n in args.articles:
        base = work / f"n{n}"
        shutil.rmtree(base, ignore_errors=True)
        corpus, pipeline, landing = base / "corpus", base / "ruler", base / "landing"
        extra = max(1, n // 100)
        subprocess.run([sys.executable, str(MAKER), str(corpus), str(n + extra), str(pipeline)], check=True, cwd=ROOT,
                       stdout=subprocess.DEVNULL)
        files = sorted(p for p in corpus.rglob("*") if p.is_file())
        for path in files[:n]:
            target = landing / path.relative_to(corpus)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
        warehouse, home = base / "warehouse.duckdb", base / "dagster_home"
        full, rss, cpu = run(landing, warehouse, home, pipeline)
        if args.steps:
            print(f"{n} full load steps (s): {step_seconds(home)}", flush=True)
            print(f"{n} full load: peak RSS (MiB) at the end of each step that raised it: {step_peaks(home)}", flush=True)
        for path in files[n:]:
            target = landing / path.relative_to(corpus)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
        more, rss_more, _ = run(landing, warehouse, home, pipeline)
        if args.steps:
            print(f"{n} +1% steps (s): {step_seconds(home)}; {snapshot_written(home)}", flush=True)
        nothing, _, _ = run(landing, warehouse, home, pipeline)
        if args.steps:
            print(f"{n} nothing-new steps (s): {step_seconds(home)}", flush=True)
        print(f"{n} | {full:.1f} | {1000 * full / n:.2f} | {rss:.0f} | {more:.1f} | {nothing:.1f} | "
              f"{(more - nothing) / full:.3f} | {rss_more:.0f} | {cpu:.1f} | {1000 * cpu / n:.2f}", flush=True)


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    main()
