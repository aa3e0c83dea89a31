"""Stories' cost per article as the news gets denser: the same N scale-corpus articles
(../shared/eval/make_scale_corpus.py, rule-based entities) once with their dates spread over a
year, as the maker writes them, and once with every date squeezed into a tenth of the year (the
number of articles per day of a 10x larger corpus). A full `python -m pipelines.run` on each;
then, on a copy of each warehouse with the stories' state emptied, the `stories` asset alone
(--repeat times), in this process. Prints the stories step's seconds per 1,000 articles at each
density and their ratio, and the peak memory of the stories-only runs.

    .venv/bin/python -m benchmarks.bench_stories_density [--articles 10000] [--squeeze 10] [--repeat 1] [--reuse]

--reuse keeps the corpora and warehouses of an earlier call (same --work) and only re-runs
stories: the loop for working on the stories step.
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.bench_scale import MAKER, ROOT, run

# Everything the stories asset owns, emptied before a stories-only run.
STORY_TABLES = ("story_links", "story_merges", "story_features", "story_terms", "story_postings", "story_term_df", "story_corpus",
                "story_rows")
START = datetime.date(2026, 1, 1)
DATE_LINE = re.compile(r"^date (\d{4}-\d{2}-\d{2})$", re.M)


def squeezed(text: str, factor: int) -> str:
    """The text with its date line moved towards START by `factor` (order of days kept)."""
    def move(match: re.Match) -> str:
        day = datetime.date.fromisoformat(match.group(1))
        return f"date {START + datetime.timedelta(days=(day - START).days // factor)}"
    return DATE_LINE.sub(move, text, count=1)


def stories_only(warehouse: Path, pipeline: Path) -> tuple[float, int]:
    """Seconds of the stories asset materialised alone on `warehouse` (whose stories' tables
    are emptied first), and the article count it assigned."""
    import dagster as dg

    from assets.stories import stories
    from pipelines.resources import WarehouseResource
    from warehouse import db

    with db.write_connection(warehouse) as conn:
        for table in STORY_TABLES:
            conn.execute(f"DELETE FROM {table}")
        conn.execute("CHECKPOINT")
        articles = conn.execute("SELECT count(*) FROM article_texts").fetchone()[0]
    start = time.perf_counter()
    result = dg.materialize([stories], resources={"warehouse": WarehouseResource(path=str(warehouse))},
                            raise_on_error=True)
    assert result.success
    return time.perf_counter() - start, articles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--squeeze", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--work", default="/tmp/media-monitor-density")
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--only", choices=("spread", "dense"))
    args = parser.parse_args()
    if not MAKER.exists():
        print(f"no scale corpus maker at {MAKER}: skipped")
        return
    work = Path(args.work)
    pipeline = work / "ruler"
    kinds = {"spread": 1, "dense": args.squeeze}
    if args.only:
        kinds = {args.only: kinds[args.only]}
    if not args.reuse:
        shutil.rmtree(work, ignore_errors=True)
        corpus = work / "corpus"
        subprocess.run([sys.executable, str(MAKER), str(corpus), str(args.articles), str(pipeline)], check=True,
                       cwd=ROOT, stdout=subprocess.DEVNULL)
        for kind, factor in kinds.items():
            for path in sorted(p for p in corpus.rglob("*") if p.is_file()):
                target = work / kind / "landing" / path.relative_to(corpus)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(squeezed(path.read_text(encoding="utf-8"), factor), encoding="utf-8")
            seconds, rss = run(work / kind / "landing", work / kind / "warehouse.duckdb", work / kind / "home", pipeline)
            print(f"{kind}: full run {seconds:.1f} s, peak RSS {rss:.0f} MiB", flush=True)
    per_k = {}
    for kind in kinds:
        copy = work / kind / "stories.duckdb"
        times = []
        for _ in range(args.repeat):
            shutil.copy2(work / kind / "warehouse.duckdb", copy)
            seconds, articles = stories_only(copy, pipeline)
            times.append(seconds)
        best = min(times)
        per_k[kind] = 1000 * best / articles
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{kind}: stories alone {best:.1f} s for {articles} articles ({per_k[kind]:.2f} s/1k articles; "
              f"runs {', '.join(f'{t:.1f}' for t in times)}), peak RSS so far {peak:.0f} MiB", flush=True)
    if len(per_k) == 2:
        print(f"dense/spread per-article stories time: {per_k['dense'] / per_k['spread']:.2f}")


if __name__ == "__main__":
    os.environ.setdefault("MEDIA_MONITOR_LOG_LEVEL", "WARNING")
    main()
