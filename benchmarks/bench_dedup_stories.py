"""Benchmark: duplicate and story assignment on 10k, 30k and 100k generated articles.

Articles are generated at run time by recombining sentences of the development evaluation
texts (`../shared/eval`, read, never copied into the project; the benchmark is skipped when the
folder is absent). Each generated "event" draws its sentences mostly from a few source texts
and runs over a few days, with a fixed number of articles per day, so a bigger corpus covers a
longer period (as a growing archive does); a share of articles are exact copies, near copies
(a sentence dropped, one added) or copies wrapped in page boilerplate. Prints the time per
article of each step and how it grows from the smallest size: near 1.0 means linear.

    .venv/bin/python benchmarks/bench_dedup_stories.py [--sizes 10000 30000 100000] [--eval PATH]

Also times one incremental dedup run (1,000 new articles) against a warehouse holding the
signatures of the largest corpus, which is what a scheduled run pays.

Results (2026-11-23, 2 shared vCPUs, 200 articles a day, so the 60-day story window holds
about 12,000 articles from 30k on):

     articles  dedup s us/article  growth stories s us/article  growth  groups stories
        10000     10.8       1076    1.00      41.4       4136    1.00    7975    1386
        30000     32.4       1079    1.00     156.3       5211    1.26   23969    2966
       100000    122.2       1222    1.14     667.7       6677    1.61   80010    7139
    incremental dedup: 1000 new articles against 100000 stored signatures:
        lookup 0.83 s (10247 candidates), grouping 0.36 s

Dedup is near linear. Story assignment grows faster than linear (10x the articles, 16x the
time): the generated events reuse 632 source texts, so stories keep growing over time and the
complete-link checks grow with them; still far from all-pairs.
"""

import argparse
import json
import random
import re
import sys
import tempfile
import time
from datetime import date, timedelta
from hashlib import sha1, sha256
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assets import dedup, stories  # noqa: E402
from warehouse import db  # noqa: E402

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'`])")
BOILERPLATE = ["Skip to main content", "Subscribe", "Sign In", "Share this article", "Most Read", "Advertisement"]


def source_texts(eval_dir: Path) -> list[str]:
    """Bodies of the development texts (AP .txt without header lines, NYT and feed .json)."""
    texts = []
    for path in sorted(eval_dir.glob("*/landing/*")):
        raw = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix == ".json":
            record = json.loads(raw)
            texts.append(record.get("text") or record.get("content") or "")
        elif path.suffix == ".txt":
            lines = [ln for ln in raw.splitlines() if not re.match(r"\s*(date|source:)\s", ln)]
            texts.append("\n".join(lines))
    return [t for t in texts if len(t) > 500]


def _reword(sentence: str, vocabulary: list[str], rng: random.Random, share: float = 0.3) -> str:
    # Each use of a source sentence changes some of its words, so that articles of different
    # events that drew the same sentence do not share long runs of words (real ones rarely do);
    # the event's articles still share most of their vocabulary.
    return " ".join(rng.choice(vocabulary) if rng.random() < share else w for w in sentence.split())


def generate(texts: list[str], n: int, per_day: int, seed: int = 7) -> pl.DataFrame:
    """n cleaned-article rows (the cleaned_articles frame's columns that dedup and stories read)."""
    rng = random.Random(seed)
    docs = [[s.strip() for s in _SENTENCE.split(t) if len(s.split()) >= 5] for t in texts]
    docs = [d for d in docs if len(d) >= 5]
    every = [s for d in docs for s in d]
    vocabulary = sorted({w for s in every for w in s.split()})
    rows = []
    start = date(2020, 1, 1)
    while len(rows) < n:
        # One event: its own sentence pool from three source texts, a few days long.
        pool = [s for d in rng.sample(docs, 3) for s in d]
        first = len(rows) // per_day
        for _ in range(rng.randint(3, 15)):
            if len(rows) >= n:
                break
            day = start + timedelta(days=first + rng.randint(0, 6))
            kind = rng.random()
            if rows and kind < 0.1:
                body = rows[rng.randrange(max(0, len(rows) - 50), len(rows))]["body"]  # exact copy
            elif rows and kind < 0.2:
                sentences = rows[-1]["body"].split("\n\n")
                sentences = sentences[1:] + [_reword(rng.choice(every), vocabulary, rng)]  # near copy
                body = "\n\n".join(sentences)
            else:
                k = rng.randint(8, 25)
                picked = rng.sample(pool, min(k, len(pool))) + rng.sample(every, 3)
                body = "\n\n".join(_reword(x, vocabulary, rng) for x in picked)
            if rng.random() < 0.05:
                body = "\n".join(rng.sample(BOILERPLATE, 3)) + "\n\n" + body + "\n\n" + "\n".join(BOILERPLATE)
            i = len(rows)
            rows.append(
                {
                    "article_id": sha1(f"bench/{i}.txt\x1f0".encode()).hexdigest()[:16],
                    "source_path": f"bench/{i}.txt",
                    "title": body.split("\n")[0][:100],
                    "body": body,
                    "published_date": day,
                    "content_hash": sha256(" ".join(body.lower().split()).encode()).hexdigest(),
                }
            )
    return pl.DataFrame(rows)


def timed(fn, *args):
    t = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 30_000, 100_000])
    parser.add_argument("--per-day", type=int, default=200, help="articles per day in the generated corpus")
    parser.add_argument("--eval", type=Path, default=ROOT.parent / "shared" / "eval")
    args = parser.parse_args()
    if not args.eval.is_dir():
        print(f"skipped: no evaluation folder at {args.eval}")
        return
    texts = source_texts(args.eval)
    print(f"{len(texts)} source texts; {args.per_day} articles per day")
    no_mentions = pl.DataFrame(schema={"article_id": pl.String, "actor_id": pl.String})
    base = {}
    print(f"{'articles':>9} {'dedup s':>8} {'us/article':>10} {'growth':>7} {'stories s':>9} {'us/article':>10} {'growth':>7} {'groups':>7} {'stories':>7}")
    for n in args.sizes:
        articles = generate(texts, n, args.per_day)
        result, t_dedup = timed(dedup.deduplicate, articles)
        with_groups = articles.join(result["assignments"], on="article_id")
        links, t_stories = timed(stories.cluster, with_groups, no_mentions)
        per = (t_dedup / n * 1e6, t_stories / n * 1e6)
        base.setdefault("per", per)
        print(
            f"{n:>9} {t_dedup:>8.1f} {per[0]:>10.0f} {per[0] / base['per'][0]:>7.2f} "
            f"{t_stories:>9.1f} {per[1]:>10.0f} {per[1] / base['per'][1]:>7.2f} "
            f"{result['assignments']['dup_group_id'].n_unique():>7} {links['story_id'].n_unique():>7}"
        )
    # A scheduled run: 1,000 new articles looked up against the stored signatures.
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.duckdb"
        with db.write_connection(path) as conn:
            db.insert_frame(conn, "article_signatures", result["signatures"])
        fresh = generate(texts, n + 1000, args.per_day, seed=8).tail(1000)
        new_sigs = dedup.signatures(fresh)
        t = time.perf_counter()
        with db.read_connection(path) as conn:
            earlier = dedup.earlier_candidates(conn, new_sigs)
        t_lookup = time.perf_counter() - t
        _, t_assign = timed(dedup.assign_groups, new_sigs, earlier)
        print(
            f"incremental dedup: 1000 new articles against {n} stored signatures: "
            f"lookup {t_lookup:.2f} s ({earlier.height} candidates), grouping {t_assign:.2f} s"
        )


if __name__ == "__main__":
    main()
