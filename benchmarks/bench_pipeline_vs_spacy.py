"""The whole pipeline against spaCy alone on the same wire texts: `python -m pipelines.run`
(Dagster, ingestion, cleaning, entities, dedup, actors, stories, tone, quotes, analytics) into a
fresh warehouse, against a process that loads the same spaCy pipeline (NER components only, as
the entity step loads it) and runs a bare `nlp.pipe` over the same texts with the same number of
processes and batch size. Whole processes, alternated A B A B, the ratio taken pair by pair.

    .venv/bin/python -m benchmarks.bench_pipeline_vs_spacy [--files 1800] [--processes 2] [--rounds 3]

Texts: ../shared/eval/make_scale_corpus.py (sentences of the development splits' wire copy);
skipped when it is absent.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAKER = ROOT.parent / "shared" / "eval" / "make_scale_corpus.py"


def bare(landing: str, processes: int, batch_size: int) -> None:
    """The B side, in its own process: load the pipeline as the step does and run nlp.pipe."""
    sys.path.insert(0, str(ROOT))
    from assets.entities import load_pipeline
    from pipelines.resources import NlpResource

    nlp = load_pipeline(NlpResource().pipeline)
    texts = [p.read_text(encoding="utf-8") for p in sorted(Path(landing).rglob("*")) if p.is_file()]
    spans = sum(len(doc.ents) for doc in nlp.pipe(texts, batch_size=batch_size, n_process=processes))
    print(f"{len(texts)} texts, {spans} spans")


def timed(command: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1800)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--work", default="/tmp/media-monitor-vs-spacy")
    parser.add_argument("--bare", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare:
        return bare(args.bare, args.processes, args.batch_size)
    if not MAKER.exists():
        print(f"no corpus maker at {MAKER}: skipped")
        return
    work = Path(args.work)
    shutil.rmtree(work, ignore_errors=True)
    landing = work / "landing"
    subprocess.run([sys.executable, str(MAKER), str(landing), str(args.files), str(work / "ruler")], check=True,
                   cwd=ROOT, stdout=subprocess.DEVNULL)
    ratios, pipeline_times, bare_times = [], [], []
    for i in range(args.rounds):
        env = dict(os.environ, MEDIA_MONITOR_LANDING=str(landing), MEDIA_MONITOR_WAREHOUSE=str(work / f"w{i}.duckdb"),
                   DAGSTER_HOME=str(work / f"home{i}"), MEDIA_MONITOR_NLP_PROCESSES=str(args.processes),
                   MEDIA_MONITOR_NLP_BATCH_SIZE=str(args.batch_size), MEDIA_MONITOR_LOG_LEVEL="WARNING")
        (work / f"home{i}").mkdir()
        a = timed([sys.executable, "-m", "pipelines.run"], env)
        b = timed([sys.executable, "-m", "benchmarks.bench_pipeline_vs_spacy", "--bare", str(landing),
                   "--processes", str(args.processes), "--batch-size", str(args.batch_size)], dict(os.environ))
        pipeline_times.append(a)
        bare_times.append(b)
        ratios.append(a / b)
        print(f"round {i + 1}: pipeline {a:.1f} s, bare nlp.pipe {b:.1f} s, ratio {a / b:.2f}", flush=True)
    print(f"median: pipeline {statistics.median(pipeline_times):.1f} s, bare {statistics.median(bare_times):.1f} s, "
          f"ratio {statistics.median(ratios):.2f} ({args.files} files, {args.processes} processes)")


if __name__ == "__main__":
    main()
