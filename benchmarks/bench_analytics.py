"""What the analytics steps (outlets, actor_share, actor_alerts, coverage_by_lean, and
separately exports) cost: a full run over the scale corpus, then a run after adding 1% new
files, with each step's seconds and the analytics steps' share of the rest of the run.

    .venv/bin/python -m benchmarks.bench_analytics [--files 10000] [--work /tmp/bench-analytics]

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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=10000)
    parser.add_argument("--work", default="/tmp/bench-analytics")
    args = parser.parse_args()
    work = Path(args.work)
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
    outlet_file = run_dir / "outlets.csv"
    outlet_file.write_text("outlet,variants,domains,country,language,lean,kind\n" + "".join(
        f"Outlet {i:02d},,,GB,en,{LEANS[i % 5]},national\n" for i in range(50)), encoding="utf-8")
    resources = {"landing": LandingResource(path=str(landing)),
                 "warehouse": WarehouseResource(path=str(run_dir / "w.duckdb")),
                 "nlp": NlpResource(pipeline=str(work / "ruler")), "aliases": AliasResource(),
                 "outlet_table": OutletsResource(path=str(outlet_file)), "alerts": AlertsResource(),
                 "exports": ExportsResource(folder=str(run_dir / "exports"))}
    results = []
    full, full_meta = timed_run(resources)
    results.append(("full", full, full_meta))
    for path in all_files[args.files:]:
        target = landing / path.relative_to(corpus)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    more, more_meta = timed_run(resources)
    results.append((f"+{new} files (1%)", more, more_meta))
    for label, seconds, meta in results:
        steps = {k.removesuffix(".seconds"): v for k, v in meta.items() if k.endswith(".seconds")}
        analytics = sum(steps.get(s, 0.0) for s in ANALYTICS_STEPS)
        exports = steps.get("exports", 0.0)
        rest = sum(steps.values()) - analytics - exports
        print(f"{label:18s} run {seconds:7.2f} s; steps: " + ", ".join(f"{k} {v:.2f}" for k, v in steps.items()))
        print(f"{'':18s} analytics steps {analytics:.2f} s = {analytics / rest:.1%} of the other steps ({rest:.2f} s); "
              f"exports {exports:.2f} s = {exports / rest:.1%}")
        print(f"{'':18s} actor_share rows {meta.get('actor_share.rows')}, alerts {meta.get('actor_alerts.alerts')}, "
              f"blindspots {meta.get('coverage_by_lean.blindspots')}, outlets {meta.get('outlets.outlets')}")


if __name__ == "__main__":
    main()
