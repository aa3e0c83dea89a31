"""What the analytics steps (outlets, actor_share, actor_alerts, coverage_by_lean, and
separately exports) cost: a full run over the scale corpus, then a run after adding 1% new
files, with each step's seconds and the analytics steps' share of the rest of the run.

    .venv/bin/python -m benchmarks.bench_analytics [--files 10000] [--work /tmp/bench-analytics]
    .venv/bin/python -m benchmarks.bench_analytics --reuse /tmp/media-monitor-scale/n100000

With --reuse, the warehouse and landing folder that benchmarks.bench_scale left (its full load
plus 1%) are taken as they are (the warehouse is copied first) and two more rounds of 1% new
files are run, each timed; the second shows the steady state (the first also gives every
story its lean under the generated outlet file for the first time).

The corpus comes from ../shared/eval/make_scale_corpus.py (its rule-based spaCy pipeline is
used, so NER does not dominate); its 50 outlets get leans in a generated outlet file."""

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

from benchmarks.bench_incremental import timed_run
from pipelines.analytics_resources import AlertsResource, ExportsResource, OutletsResource
from pipelines.resources import PROJECT_ROOT, AliasResource, LandingResource, NlpResource, WarehouseResource

SCALE_CORPUS = PROJECT_ROOT.parent / "shared" / "eval" / "make_scale_corpus.py"
ANALYTICS_STEPS = ["outlets", "actor_share", "actor_alerts", "coverage_by_lean"]
LEANS = ["left", "lean-left", "center", "lean-right", "right"]


def build_corpus(folder: Path, files: int, ruler: Path) -> None:
    if not folder.exists():
        subprocess.run([sys.executable, str(SCALE_CORPUS), str(folder), str(files), str(ruler)], check=True)


def write_outlet_leans(path: Path) -> None:
    path.write_text("outlet,variants,domains,country,language,lean,kind\n" + "".join(
        f"Outlet {i:02d},,,GB,en,{LEANS[i % 5]},national\n" for i in range(50)), encoding="utf-8")


def report(results: list) -> None:
    for label, seconds, meta in results:
        steps = {k.removesuffix(".seconds"): v for k, v in meta.items() if k.endswith(".seconds")}
        analytics = sum(steps.get(s, 0.0) for s in ANALYTICS_STEPS)
        exports = steps.get("exports", 0.0)
        rest = sum(steps.values()) - analytics - exports
        print(f"{label:18s} run {seconds:7.2f} s; steps: " + ", ".join(f"{k} {v:.2f}" for k, v in steps.items()))
        print(f"{'':18s} analytics steps {analytics:.2f} s = {analytics / rest:.1%} of the other steps ({rest:.2f} s); "
              f"exports {exports:.2f} s = {exports / rest:.1%}")
        print(f"{'':18s} actor_share rows {meta.get('actor_share.rows')}, alerts {meta.get('actor_alerts.alerts')}, "
              f"blindspots {meta.get('coverage_by_lean.blindspots')}, outlets {meta.get('outlets.outlets')}", flush=True)


def bench_resources(landing: Path, warehouse: Path, ruler: Path, outlet_file: Path, exports: Path) -> dict:
    write_outlet_leans(outlet_file)
    return {"landing": LandingResource(path=str(landing)), "warehouse": WarehouseResource(path=str(warehouse)),
            "nlp": NlpResource(pipeline=str(ruler)), "aliases": AliasResource(),
            "outlet_table": OutletsResource(path=str(outlet_file)), "alerts": AlertsResource(),
            "exports": ExportsResource(folder=str(exports))}


def reuse(base: Path, work: Path) -> None:
    """Two rounds of 1% new files on the warehouse bench_scale built in `base`."""
    landing = base / "landing"
    have = sum(1 for _ in landing.rglob("*.txt"))
    new = max(1, have // 101)
    corpus = work / f"corpus-{have + 2 * new}"
    build_corpus(corpus, have + 2 * new, work / "ruler")
    all_files = sorted(corpus.rglob("*.txt"))
    run_dir = work / "reuse"
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    shutil.copy2(base / "warehouse.duckdb", run_dir / "w.duckdb")
    resources = bench_resources(landing, run_dir / "w.duckdb", base / "ruler", run_dir / "outlets.csv", run_dir / "exports")
    results = []
    for round_ in (1, 2):
        for path in all_files[have + (round_ - 1) * new: have + round_ * new]:
            target = landing / path.relative_to(corpus)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
        seconds, meta = timed_run(resources)
        results.append((f"+{new} files, round {round_}", seconds, meta))
        report(results[-1:])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=10000)
    parser.add_argument("--work", default="/tmp/bench-analytics")
    parser.add_argument("--reuse", help="a folder bench_scale left (n<N>): add 1% twice to its warehouse")
    args = parser.parse_args()
    work = Path(args.work)
    if args.reuse:
        reuse(Path(args.reuse), work)
        return
    new = max(1, args.files // 100)
    # Same seed, sequential generation: the first N files of an N+1% corpus are the N-file corpus.
    corpus = work / f"corpus-{args.files + new}"
    build_corpus(corpus, args.files + new, work / "ruler")
    run_dir = work / "run"
    shutil.rmtree(run_dir, ignore_errors=True)
    landing = run_dir / "landing"
    all_files = sorted(corpus.rglob("*.txt"))
    for path in all_files[: args.files]:
        target = landing / path.relative_to(corpus)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    resources = bench_resources(landing, run_dir / "w.duckdb", work / "ruler", run_dir / "outlets.csv", run_dir / "exports")
    results = []
    full, full_meta = timed_run(resources)
    results.append(("full", full, full_meta))
    for path in all_files[args.files:]:
        target = landing / path.relative_to(corpus)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    more, more_meta = timed_run(resources)
    results.append((f"+{new} files (1%)", more, more_meta))
    report(results)


if __name__ == "__main__":
    main()
