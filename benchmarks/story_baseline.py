"""The baseline story clustering, tuned on the set it is measured on: TF-IDF cosine of the
stemmed body words, single link (two articles share a story when a chain of pairs at or above
the threshold joins them), only pairs published within the window. Prints pairwise and B-cubed
F1 for each threshold and window of a grid, best first, so that the project's method is compared
with the best this baseline can do on the same set.

usage: .venv/bin/python -m benchmarks.story_baseline WAREHOUSE GOLD
"""

import argparse
from collections import Counter

import numpy as np
import polars as pl

from assets.stories.features import BODY_WORDS, document_frequencies, tfidf_matrix, words
from benchmarks.fit_story_model import load

THRESHOLDS = (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5)
WINDOWS = (3, 7, 14, 30, 60)


def single_link(articles: pl.DataFrame, threshold: float, window: int) -> dict[str, int]:
    terms = {a: Counter(words(b, BODY_WORDS)) for a, b in articles.select("article_id", "body").iter_rows()}
    df = document_frequencies(terms)
    ids = articles["article_id"].to_list()
    m = tfidf_matrix(ids, terms, dict(zip(df["term"], df["df"])), len(ids))
    sims = (m @ m.T).toarray()
    days = np.array([d.toordinal() if d else np.nan for d in articles["published_date"].to_list()], dtype=float)
    near = ~(np.abs(days[:, None] - days[None, :]) > window)
    parent = list(range(len(ids)))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j in zip(*np.nonzero(np.triu((sims >= threshold) & near, k=1))):
        parent[find(i)] = find(j)
    return {a: find(i) for i, a in enumerate(ids)}


def main() -> None:
    import sys
    from pathlib import Path

    parser = argparse.ArgumentParser()
    parser.add_argument("warehouse")
    parser.add_argument("gold")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / ".." / "shared" / "eval"))
    from score_stories import bcubed, pairwise

    articles, _, _ = load(args.warehouse, args.gold)
    gold = dict(zip(articles["article_id"], articles["story"]))
    results = []
    for w in WINDOWS:
        for t in THRESHOLDS:
            pred = single_link(articles, t, w)
            results.append((round(pairwise(pred, gold)[2], 3), round(bcubed(pred, gold)[2], 3), t, w))
    for pair_f1, bcubed_f1, t, w in sorted(results, reverse=True)[:8]:
        print(f"threshold {t} window {w}: pair_f1 {pair_f1} bcubed_f1 {bcubed_f1}")


if __name__ == "__main__":
    main()
