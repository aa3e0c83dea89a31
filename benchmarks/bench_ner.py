"""How much the entity step costs over spaCy itself: `extract_spans` against a bare `nlp.pipe`
over the same texts, with the same pipeline (loaded as the step loads it: NER components only),
batch size and processes. Prints both timings (best of several alternating rounds) and the ratio.

    .venv/bin/python benchmarks/bench_ner.py [--repeat 5] [--rounds 3] [--n-process 1] [--batch-size 64]

Texts: the development eval articles in ../shared/eval/actors-dev/landing when that folder
exists, else the bundled sample landing folder; repeated `--repeat` times. For reference it also
times the full pipeline as installed (every component), which is what the step avoids loading.
"""

import argparse
import sys
import time
from pathlib import Path

import polars as pl
import spacy

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))

from assets.entities import extract_spans, load_pipeline, pipeline_label  # noqa: E402
from pipelines.resources import NlpResource  # noqa: E402

EVAL_LANDING = PROJECT_ROOT.parent / "shared" / "eval" / "actors-dev" / "landing"


def texts(repeat: int) -> list[str]:
    folder = EVAL_LANDING if EVAL_LANDING.is_dir() else PROJECT_ROOT / "data" / "landing"
    found = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(folder.rglob("*.txt"))]
    return found * repeat


def bare(nlp, docs: list[str], batch_size: int, n_process: int) -> float:
    start = time.perf_counter()
    for doc in nlp.pipe(docs, batch_size=batch_size, n_process=n_process):
        doc.ents  # noqa: B018 - what any consumer reads
    return time.perf_counter() - start


def step(nlp, docs: list[str], batch_size: int, n_process: int) -> float:
    bodies = pl.DataFrame(
        {"content_hash": [str(i) for i in range(len(docs))], "language": ["en"] * len(docs), "body": docs}
    )
    start = time.perf_counter()
    extract_spans(nlp, bodies, batch_size=batch_size, n_process=n_process)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pipeline", default=NlpResource().pipeline)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--n-process", type=int, default=1)
    args = parser.parse_args()

    docs = texts(args.repeat)
    nlp = load_pipeline(args.pipeline)
    characters = sum(map(len, docs))
    print(f"{len(docs)} texts, {characters:,} characters, {pipeline_label(nlp)} components {nlp.pipe_names}")
    print(f"batch_size={args.batch_size} n_process={args.n_process}")
    bare(nlp, docs[:50], args.batch_size, 1)  # warm-up
    bare_times, step_times = [], []
    for _ in range(args.rounds):
        bare_times.append(bare(nlp, docs, args.batch_size, args.n_process))
        step_times.append(step(nlp, docs, args.batch_size, args.n_process))
    best_bare, best_step = min(bare_times), min(step_times)
    print(f"bare nlp.pipe:     {best_bare:7.2f} s  ({characters / best_bare:,.0f} chars/s)  rounds {[round(t, 2) for t in bare_times]}")
    print(f"extract_spans:     {best_step:7.2f} s  ({characters / best_step:,.0f} chars/s)  rounds {[round(t, 2) for t in step_times]}")
    print(f"ratio step / bare: {best_step / best_bare:.3f}")

    full = spacy.load(args.pipeline)
    full_time = bare(full, docs, args.batch_size, args.n_process)
    print(f"for reference, bare nlp.pipe with every component {full.pipe_names}: {full_time:.2f} s")


if __name__ == "__main__":
    main()
