"""Fits the story merge model (assets/stories/clustering.MODEL) and measures it.

Reads a warehouse the pipeline filled from a development set (its `articles` and `mentions`)
and that set's gold (file, story), builds the story features with the project's own functions,
and fits a logistic model over every pair of gold articles published within the window: same
story or not, from the merge model's features (clustering.FEATURES: the log of the body-word
cosine, the title cosine, actor evidence that counts only with agreeing body words, and
log(1 + days apart)). Class weights balance the few same-story pairs against the many others.
Then it clusters the set with the fitted model for each link threshold of a grid and prints
pairwise and B-cubed F1, so that the threshold is chosen on the same set; `--halves` fits on
one half of the gold stories and measures on the other, both ways (a check that the settings
are not tuned to one half).

`--word-floor` measures another clustering.WORD_FLOOR (refitting the model for it).

usage: .venv/bin/python -m benchmarks.fit_story_model WAREHOUSE GOLD [--model JSON] [--halves]
       [--also WAREHOUSE GOLD] [--word-floor X]
"""

import argparse
import hashlib
import json
import sys
from pathlib import Path, PurePath

import duckdb
import numpy as np
import polars as pl

from assets.stories import clustering
from assets.stories.clustering import PairScorer, cluster
from assets.stories.features import article_terms, document_frequencies, tfidf_matrix

FEATURES = clustering.FEATURES
THRESHOLDS = (0.05, 0.1, 0.2, 0.3, 0.5)


def load(warehouse: str, gold_path: str) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, str]]:
    """(articles with their gold story, mentions, file -> story) for the gold files present."""
    gold = {g["file"]: g["story"] for g in map(json.loads, Path(gold_path).read_text().splitlines()) if g}
    con = duckdb.connect(warehouse, read_only=True)
    articles = pl.from_arrow(con.execute(
        "SELECT article_id, source_path, title, body, published_date, dup_group_id FROM articles"
    ).arrow())
    mentions = pl.from_arrow(con.execute("SELECT DISTINCT article_id, actor_id FROM mentions").arrow())
    con.close()
    articles = articles.with_columns(
        pl.col("source_path").map_elements(lambda p: PurePath(p).name, return_dtype=pl.String).alias("file")
    ).filter(pl.col("file").is_in(list(gold)))
    articles = articles.with_columns(pl.col("file").replace_strict(gold).alias("story"))
    return articles, mentions, gold


def pair_data(articles: pl.DataFrame, mentions: pl.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Features (n_pairs x 4) and labels of every pair within the window."""
    terms = article_terms(articles, mentions)
    df = document_frequencies(terms)
    ids = articles["article_id"].to_list()
    matrix = tfidf_matrix(ids, terms, dict(zip(df["term"], df["df"])), len(ids))
    days = np.array([d.toordinal() if d else np.nan for d in articles["published_date"].to_list()], dtype=float)
    scorer = PairScorer(matrix, days)
    rows = list(range(len(ids)))
    feats = scorer.features(rows, rows)
    stories = np.array(articles["story"].to_list())
    iu = np.triu_indices(len(ids), k=1)
    near = ~(np.abs(days[:, None] - days[None, :]) > clustering.WINDOW_DAYS)[iu]
    x = np.column_stack([feats[f][iu][near] for f in FEATURES])
    y = (stories[:, None] == stories[None, :])[iu][near].astype(float)
    return x, y


def fit(x: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 50) -> dict:
    """Logistic regression by Newton's method, classes weighted to equal total weight."""
    xb = np.column_stack([np.ones(len(x)), x])
    w = np.where(y == 1, 0.5 / max(y.sum(), 1), 0.5 / max((1 - y).sum(), 1)) * len(y)
    beta = np.zeros(xb.shape[1])
    reg = l2 * np.eye(xb.shape[1])
    reg[0, 0] = 0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-xb @ beta))
        grad = xb.T @ (w * (p - y)) + reg @ beta
        hess = (xb * (w * p * (1 - p))[:, None]).T @ xb + reg
        step = np.linalg.solve(hess, grad)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    return {"intercept": round(float(beta[0]), 3), **{f: round(float(b), 3) for f, b in zip(FEATURES, beta[1:])}}


def scores(articles: pl.DataFrame, mentions: pl.DataFrame, model: dict, threshold: float) -> dict:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / ".." / "shared" / "eval"))
    from score_stories import bcubed, pairwise

    saved = clustering.LINK_THRESHOLD
    clustering.LINK_THRESHOLD = threshold
    try:
        links = cluster(articles.select("article_id", "title", "body", "published_date", "dup_group_id"), mentions, model)
    finally:
        clustering.LINK_THRESHOLD = saved
    pred = dict(zip(links["article_id"], links["story_id"]))
    gold = dict(zip(articles["article_id"], articles["story"]))
    return {"bcubed_f1": round(bcubed(pred, gold)[2], 3), "pair_f1": round(pairwise(pred, gold)[2], 3)}


def half_of(story: str) -> int:
    return int(hashlib.sha1(story.encode()).hexdigest(), 16) % 2


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("warehouse")
    parser.add_argument("gold")
    parser.add_argument("--model", help="coefficients as JSON: measure these instead of fitting")
    parser.add_argument("--halves", action="store_true")
    parser.add_argument("--also", nargs=2, action="append", default=[], metavar=("WAREHOUSE", "GOLD"),
                        help="another development set whose pairs join the fit (measured too)")
    parser.add_argument("--word-floor", type=float, help="body cosine below which actors count nothing")
    args = parser.parse_args()
    if args.word_floor is not None:
        clustering.WORD_FLOOR = args.word_floor
    articles, mentions, _ = load(args.warehouse, args.gold)
    others = [load(w, g)[:2] for w, g in args.also]
    if args.halves:
        for train, test in ((0, 1), (1, 0)):
            a_train = articles.filter(pl.col("story").map_elements(half_of, return_dtype=pl.Int64) == train)
            a_test = articles.filter(pl.col("story").map_elements(half_of, return_dtype=pl.Int64) == test)
            model = json.loads(args.model) if args.model else fit(*pair_data(a_train, mentions))
            print(f"half {train} -> {test}: model {model}")
            for t in THRESHOLDS:
                print(f"  threshold {t}: train {scores(a_train, mentions, model, t)} test {scores(a_test, mentions, model, t)}")
        return
    if args.model:
        model = json.loads(args.model)
    else:
        parts = [pair_data(a, m) for a, m in [(articles, mentions), *others]]
        model = fit(np.concatenate([x for x, _ in parts]), np.concatenate([y for _, y in parts]))
    print("model", json.dumps(model))
    for t in THRESHOLDS:
        print(f"threshold {t}: {scores(articles, mentions, model, t)}", *[scores(a, m, model, t) for a, m in others])


if __name__ == "__main__":
    main()
