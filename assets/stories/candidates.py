"""Candidate articles for story assignment, from an inverted index of distinctive features.

A new article can only join a story through an article it is similar to, and two articles are
similar only when they share features that weigh in both. So each assigned article posts its
POSTING_TERMS heaviest features (`story_postings`), and a chunk of new articles looks up the
stored articles that share at least one of the new articles' own heaviest features within the
window, keeping per new article the CANDIDATES that share most. The stories of those candidates
are read by their articles within the window of a new article that found them (and the undated
ones): complete link compares a newcomer with every article of a story it could be compared
with, and no older or later article can be; a story's first article, which decides
which id survives a merge, comes from all its articles, and a story read in part merges with
no other earlier story (the pairs complete link would weigh were not all read). So the work per chunk grows with the
stories the new articles touch in those weeks, not with the window, nor with how long a story
has run.
"""

from __future__ import annotations

import math
from collections import Counter
from datetime import date

import polars as pl

# Heaviest features an article posts (and looks up with).
POSTING_TERMS = 40
# Stored articles kept per new article, those sharing the most posted features first.
CANDIDATES = 60

POSTING_SCHEMA = {"term": pl.String, "article_id": pl.String, "day": pl.Int32}


def heaviest_terms(counts: Counter, df: dict[str, int], documents: int, k: int = POSTING_TERMS) -> list[str]:
    """The `k` features of an article with the largest TF-IDF weight (sublinear tf, smoothed
    idf, as the similarity uses), ties broken by the term, so the choice is reproducible."""
    log_docs = math.log(documents + 1)
    weighted = [((1.0 + math.log(n)) * (log_docs - math.log(df.get(t, 0) + 1) + 1.0), t) for t, n in counts.items() if n > 0]
    weighted.sort(key=lambda wt: (-wt[0], wt[1]))
    return [t for _, t in weighted[:k]]


def posting_rows(terms: dict[str, Counter], days: dict[str, date | None], df: dict[str, int], documents: int) -> pl.DataFrame:
    """story_postings rows (term, article_id, day) for the articles of `terms`."""
    rows = []
    for article_id, counts in terms.items():
        day = days.get(article_id)
        ordinal = day.toordinal() if day is not None else None
        rows.extend((t, article_id, ordinal) for t in heaviest_terms(counts, df, documents))
    return pl.DataFrame(rows, schema=POSTING_SCHEMA, orient="row")
