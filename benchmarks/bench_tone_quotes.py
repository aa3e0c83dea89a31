"""Cost of the tone and quotes steps per article body, on the project's annotated texts.

Runs the real pipeline once on `benchmarks/quotes_gold/texts/` (for real mentions), then times
the pure functions of both steps over those bodies repeated `--copies` times (each copy a
distinct body for the functions).

Usage: .venv/bin/python -m benchmarks.bench_tone_quotes [--copies 200]
"""

import argparse
import tempfile
import time
from pathlib import Path

import duckdb
import polars as pl

from assets.quotes import quotes_frame
from assets.tone import mention_tones
from benchmarks.eval_quotes import GOLD, run_pipeline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=200)
    args = parser.parse_args()
    files = sorted(p.name for p in (GOLD / "texts").glob("*.txt"))
    warehouse = run_pipeline(files, Path(tempfile.mkdtemp(prefix="bench_tone_quotes_")))
    conn = duckdb.connect(str(warehouse), read_only=True)
    bodies = conn.execute("SELECT DISTINCT content_hash, body FROM articles").pl()
    mentions = conn.execute(
        "SELECT DISTINCT a.content_hash, m.start_char, m.end_char, ac.actor_type, m.actor_id "
        "FROM mentions m JOIN articles a USING (article_id) JOIN actors ac USING (actor_id)").pl()
    conn.close()
    copy = lambda frame, i: frame.with_columns(pl.col("content_hash") + f"-{i}")  # noqa: E731
    many_bodies = pl.concat([copy(bodies, i) for i in range(args.copies)])
    many_mentions = pl.concat([copy(mentions, i) for i in range(args.copies)])
    n = many_bodies.height
    started = time.perf_counter()
    tones = mention_tones(many_bodies, many_mentions)
    tone_s = time.perf_counter() - started
    started = time.perf_counter()
    quotes = quotes_frame(many_bodies, many_mentions)
    quotes_s = time.perf_counter() - started
    print(f"{n} bodies, {many_mentions.height} mentions, {quotes.height} quotations")
    print(f"tone:   {tone_s:.2f} s, {tone_s / n * 1e6:.0f} µs per body, {tones.height / tone_s:.0f} mentions/s")
    print(f"quotes: {quotes_s:.2f} s, {quotes_s / n * 1e6:.0f} µs per body")


if __name__ == "__main__":
    main()
