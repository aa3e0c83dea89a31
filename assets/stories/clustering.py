"""Story assignment: clusters of articles reporting the same event, from their TF-IDF rows.

Articles are compared as TF-IDF vectors over their title and (stemmed) body words plus their
actors (the resolved actors of `mentions`, so "Clinton" and "Bill Clinton" are one feature),
and only with articles published within a few weeks of them. New articles start as clusters of
their own (copies, one dup_group_id, together; a copy of an article that has a story joins it)
and merge best-first, complete-link, with each other and with the stories of earlier articles:
two clusters merge only when every pair of their articles is similar enough, which keeps a
story about one event instead of chaining from topic to topic. Earlier articles keep their
story; two earlier stories merge only when new articles bind them (recorded in
`story_merges`, the older id kept). Each assignment is explained in `story_links` (the most
similar article of the story and the score). Document frequencies are kept in `story_term_df`
so later runs weigh words as earlier ones did.
"""

import heapq
from datetime import date

import numpy as np
import polars as pl
from scipy import sparse

from assets.stories.features import (
    ACTOR, BODY, GROUP_PRIOR, TITLE, article_terms, document_frequencies, tfidf_matrix,
)

# Settings measured on the stories-dev split (benchmarks/bench_dedup_stories.py prints them;
# the README has the figures). Two articles are compared only when published at most
# WINDOW_DAYS apart: stories run days to weeks.
WINDOW_DAYS = 60
# Pairs whose cosine over all features is below this are never scored: a cheap first cut.
CANDIDATE_COSINE = 0.03

# The merge model: the probability that two articles report the same event, from four pair
# features (FEATURES, computed by PairScorer.features):
# - log_body: log(0.01 + cosine of their body words). The evidence of words is not linear: in
#   both development sets the share of same-story pairs is about 0.1% at a body cosine of
#   0.05, 3% at 0.09, 15% at 0.12 and 55% at 0.17, steepest at the low end.
# - title: the cosine of their titles (or first sentences).
# - actors_with_words: sqrt(actor cosine * max(0, body cosine - WORD_FLOOR)). Shared actors
#   count only together with body words that agree beyond what unrelated articles of a week
#   share: a new development about the same people and places (the same city, minister or
#   team, different words) gets nothing from its actors, however many it shares, while two
#   reports whose words agree are lifted by every actor they both name (a geometric mean:
#   strong on one side and weak on the other stays weak).
# - days: log(1 + days apart): the first days apart matter most.
# A logistic model fitted on pairs of the dense development set and stories-dev by
# benchmarks/fit_story_model.py, which prints these coefficients.
FEATURES = ("log_body", "title", "actors_with_words", "days")
MODEL = {"intercept": 14.369, "log_body": 5.936, "title": 9.425, "actors_with_words": 9.544, "days": -0.669}
# Body cosine that unrelated articles of one week reach by sharing common words: about 70% of
# the pairs of different stories in both development sets lie below it, and 9 of their 2,745
# same-story pairs. Read off that distribution, not fitted (the split-half keeps it fixed).
WORD_FLOOR = 0.05
# Two groups of articles form one story when EVERY pair of their articles (within the window)
# has at least this probability ("complete link"): a story stays about one event instead of
# chaining from topic to topic through one loosely related article each time. Low, because it
# bounds the weakest pair of a whole story (its first and last reports days apart), chosen on
# the grid fit_story_model prints (0.1 best on both development sets together).
LINK_THRESHOLD = 0.1
# Candidate stories for a new article: its NEIGHBOURS most similar articles.
NEIGHBOURS = 30

MERGE_SCHEMA = {"merged_story_id": pl.String, "into_story_id": pl.String}
LINK_SCHEMA = {
    "article_id": pl.String,
    "story_id": pl.String,
    "matched_article_id": pl.String,
    "score": pl.Float64,
    "reason": pl.String,
}



def _day(d: date | None) -> int | None:
    return None if d is None else d.toordinal()


class PairScorer:
    """The merge model's features and probability for blocks of article pairs.

    Agglomeration asks for the same rows again and again in small blocks. While the chunk is
    small, each row's cosines against every row are computed once and kept (one sparse product
    for all rows asked at a time), so a block is an index into cached rows. Kept rows cost the
    chunk's rows in memory each, so beyond CACHE_BYTES a block is one small sparse product of
    its own rows instead (the three groups at once: the block's rows masked to each group,
    against the other rows): cost and memory then depend on the block, not on how many
    articles the chunk holds. Both give the values of `group_cosines` (up to the order of the
    sums). The scorer keeps the matrix once: no copy per group, and its transpose once, shared
    by the scoring of new articles and the cache (measured on a dense probe:
    docs/performance.md)."""

    # 24 MiB, not the 96 of earlier releases: with the smaller PAIR_BUDGET, a dense 100k chunk
    # peaked 137 MiB lower and took no longer (docs/performance.md, 2026-12-03).
    CACHE_BYTES = 24 * 1024 * 1024

    def __init__(self, matrix: sparse.csr_matrix, days: np.ndarray, model: dict | None = None):
        self.days = days
        self.model = model or MODEL
        self._matrix = sparse.csr_matrix(matrix)
        kinds = getattr(matrix, "kinds", None)
        self._kinds = np.zeros(matrix.shape[1], dtype=np.int8) if kinds is None else np.asarray(kinds)
        # Norms group by group, from the matrix's own entries: no copy of the matrix per group is
        # kept (in a dense window the matrix is hundreds of MB, and every copy adds to the peak).
        self._norms = {kind: np.sqrt(squares + GROUP_PRIOR**2) for kind, squares in self._group_squares().items()}
        self._transposed = None  # built on first use by the cache: the matrix's columns as rows
        self._cached: dict[int, dict[int, np.ndarray]] = {kind: {} for kind in (BODY, TITLE, ACTOR)}
        # Rows each group's cache may hold (each row: one float per matrix row).
        self._cache_rows = max(0, self.CACHE_BYTES // (8 * max(matrix.shape[0], 1) * 3))
        # Per row scored by `score_rows`: (other rows, sorted; probabilities) of its pairs at
        # or above LINK_THRESHOLD.
        self._scored: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        zero = pair_features(np.zeros(1), np.zeros(1), np.zeros(1), np.zeros(1))
        self._floor = float(probability(zero, self.model)[0])  # two rows sharing no feature

    def _group_squares(self) -> dict[int, np.ndarray]:
        """Per feature group, each row's sum of squared weights over the group's entries,
        without a copy of the matrix per group, and to the bit what the row sums of the
        group's masked matrix multiplied by itself give: scipy sums a row's entries with
        `np.add.reduceat` in the order of the product's entries, which keeps each row's order
        when every row's columns are sorted and distinct, and lists them last-first otherwise
        (its general element-wise product)."""
        m = self._matrix
        n = m.shape[0]
        entry_kinds = self._kinds[m.indices]
        entry_rows = np.repeat(np.arange(n, dtype=np.int32), np.diff(m.indptr))
        out = {}
        for kind in (BODY, TITLE, ACTOR):
            keep = (entry_kinds == kind) & (m.data != 0)
            data, rows, columns = m.data[keep], entry_rows[keep], m.indices[keep]
            counts = np.bincount(rows, minlength=n)
            last_first = bool(np.any((rows[1:] == rows[:-1]) & (columns[1:] <= columns[:-1])))
            if last_first:  # every row's entries last-first: the arrays reversed, rows included
                data, counts = data[::-1], counts[::-1]
            starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
            filled = np.flatnonzero(counts)
            squares = np.zeros(n)
            if len(filled):
                squares[filled] = np.add.reduceat(data * data, starts[filled])
            out[kind] = squares[::-1] if last_first else squares
        return out

    def _masked(self, rows: sparse.csr_matrix, kind: int) -> sparse.csr_matrix:
        """`rows` with only the entries of one feature group (same columns, same order)."""
        out = rows.copy()
        out.data = np.where(self._kinds[out.indices] == kind, out.data, 0.0)
        out.eliminate_zeros()
        return out

    def _by_group(self, rows: np.ndarray) -> sparse.csr_matrix:
        """The matrix rows `rows` three times over: their BODY entries, then TITLE, then ACTOR.
        Multiplied with other rows' transposed entries this gives the three group dot products
        of every pair in one sparse product, each summed over the same entries in the same
        order as a product of the group's own columns would."""
        block = self._matrix[rows]
        return sparse.csr_matrix(sparse.vstack([self._masked(block, kind) for kind in (BODY, TITLE, ACTOR)]))

    def _direct(self, ra: np.ndarray, rb: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Body, title and actor cosines of ra x rb from one sparse product."""
        k = len(ra)
        products = (self._by_group(ra) @ sparse.csr_matrix(self._matrix[rb].T)).toarray()
        out = []
        for i, kind in enumerate((BODY, TITLE, ACTOR)):
            norms = self._norms[kind]
            out.append(products[i * k:(i + 1) * k, :] / np.outer(norms[ra], norms[rb]))
        return out[0], out[1], out[2]

    def _cosine_rows(self, kind: int, rows) -> np.ndarray:
        cache = self._cached[kind]
        missing = sorted({int(r) for r in rows if int(r) not in cache})
        if missing:
            products = (self._masked(self._matrix[missing], kind) @ self._transposed_matrix()).toarray()
            norms = self._norms[kind]
            products /= np.outer(norms[missing], norms)
            for r, values in zip(missing, products):
                cache[r] = values
        return np.vstack([cache[int(r)] for r in rows]) if len(rows) else np.zeros((0, len(self._norms[kind])))

    def _cached_cosines(self, kind: int, ra: np.ndarray, rb: np.ndarray) -> np.ndarray:
        """Cosines (len(ra) x len(rb)) of one feature group from cached rows."""
        if len(ra) <= len(rb):
            return self._cosine_rows(kind, ra)[:, rb]
        return self._cosine_rows(kind, rb)[:, ra].T

    def features(self, ra, rb) -> dict[str, np.ndarray]:
        """Feature arrays (len(ra) x len(rb)) of the pairs of rows ra x rb: the cosines of
        each group (body, title, actors) and the model's FEATURES."""
        ra, rb = np.asarray(ra, dtype=np.int64), np.asarray(rb, dtype=np.int64)
        if not len(ra) or not len(rb):
            body = title = actors = np.zeros((len(ra), len(rb)))
        elif len(self._cached[BODY]) + min(len(ra), len(rb)) <= self._cache_rows:
            body, title, actors = (self._cached_cosines(kind, ra, rb) for kind in (BODY, TITLE, ACTOR))
        else:
            body, title, actors = self._direct(ra, rb)
        gap = np.abs(self.days[ra][:, None] - self.days[rb][None, :])
        return pair_features(body, title, actors, np.nan_to_num(gap, nan=0.0))

    # Pairs (rows x the matrix's rows) one product of `score_rows` holds at most: each pair
    # costs a dozen float64 arrays while its probability is computed (about 100 bytes a pair).
    PAIR_BUDGET = 250_000

    def score_rows(self, rows: np.ndarray, cands: np.ndarray) -> list:
        """Score `rows` against `cands` (all other rows within their window) in sparse
        products of at most PAIR_BUDGET pairs, and remember for each of `rows` the pairs of
        probability LINK_THRESHOLD or more (`block` reads them back). Returns, per row,
        (candidate rows, probabilities, cosine over all features) of those pairs.

        One product of the rows' entries, group by group, against the transposed matrix gives
        the three group dot products of every pair that shares any feature at once (the
        candidates' columns are then taken from it); a pair that shares none has body, title and actor cosines of 0, whose
        probability (`_floor`) is far below LINK_THRESHOLD, so leaving it out changes no
        decision. Agglomeration then asks for many small blocks (a newcomer against the
        members of a story), which become lookups instead of one product each."""
        rows, cands = np.asarray(rows, dtype=np.int64), np.asarray(cands, dtype=np.int64)
        out = []
        if not len(rows):
            return out
        # The products run against the whole matrix's columns (the transposed matrix, built once
        # and shared with the cache), and the candidates' columns are taken from each dense
        # block: a chunk's candidates are most of the rows it read, and gathering them into a
        # transposed copy of their own held a second (and while transposing a third) copy of a
        # dense window's matrix at once, the step's peak at 100k (docs/performance.md). A pair's
        # sum runs over its own row's entries in their order either way: the same values.
        target = self._transposed_matrix()
        # Rows at a time so that a product holds at most PAIR_BUDGET pairs: memory stays flat
        # however many candidates a dense window holds.
        step = max(1, self.PAIR_BUDGET // max(target.shape[1], 1))
        for start in range(0, len(rows), step):
            out.extend(self._score_part(rows[start:start + step], cands, target))
        return out

    def _transposed_matrix(self) -> sparse.csr_matrix:
        """The matrix's columns as rows, built on first use and kept."""
        if self._transposed is None:
            self._transposed = sparse.csr_matrix(self._matrix.T)
        return self._transposed

    def _score_part(self, rows: np.ndarray, cands: np.ndarray, target: sparse.csr_matrix) -> list:
        # One product, read densely: rows x rows of the matrix is at most PAIR_BUDGET pairs,
        # and most pairs of a window share some word, so a dense block costs less than sorting
        # the product's entries into pairs.
        out = []
        m = len(cands)
        dots = (self._by_group(rows) @ target).toarray()[:, cands].reshape(3, len(rows), m).transpose(1, 0, 2)
        cosines = [dots[:, i, :] / np.outer(self._norms[kind][rows], self._norms[kind][cands])
                   for i, kind in enumerate((BODY, TITLE, ACTOR))]
        gap = np.abs(self.days[rows][:, None] - self.days[cands][None, :])
        p = probability(pair_features(*cosines, np.nan_to_num(gap, nan=0.0)), self.model)
        overall = dots.sum(axis=1)
        keep = ((p >= LINK_THRESHOLD) & dots.any(axis=1) & (cands[None, :] != rows[:, None])
                & ~(gap > WINDOW_DAYS))
        for i, r in enumerate(rows.tolist()):
            idx = np.flatnonzero(keep[i])
            order = np.argsort(cands[idx], kind="stable")
            idx = idx[order]
            cols, probs = cands[idx], p[i, idx]
            self._scored[r] = (cols, probs)
            out.append((cols, probs, overall[i, idx]))
        return out

    def _lookup(self, ra: np.ndarray, rb: np.ndarray) -> np.ndarray:
        out = np.zeros((len(ra), len(rb)))
        for i, a in enumerate(ra.tolist()):
            out[i] = self.lookup_row(a, rb)
        return out

    def lookup_row(self, a: int, rb: np.ndarray) -> np.ndarray:
        """`_lookup` of one scored row `a` against the rows `rb`."""
        cols, probs = self._scored[a]
        if not len(cols):
            return np.zeros(len(rb))
        idx = np.minimum(np.searchsorted(cols, rb), len(cols) - 1)
        return np.where(cols[idx] == rb, probs[idx], 0.0)

    def lookup_at(self, a: int, b: int) -> float:
        """`_lookup` of one scored row `a` at one row `b`."""
        cols, probs = self._scored[a]
        i = int(np.searchsorted(cols, b))
        return float(probs[i]) if i < len(cols) and cols[i] == b else 0.0

    def known_below(self, ra: list[int], rb: list[int], near: np.ndarray) -> float | None:
        """A probability below LINK_THRESHOLD among the pairs ra x rb (where `near`) that are
        lookups (one side scored by `score_rows`: the new articles), or None. Complete link asks
        first: most merges fail on such a pair, and then the pairs of stored articles need not
        be computed (their minimum can only be lower, and below the threshold only the fact
        counts: minimums only fall as clusters grow)."""
        if self._floor >= LINK_THRESHOLD:
            return None
        for rows, others, mask in ((ra, rb, near), (rb, ra, near.T)):
            idx = [i for i, r in enumerate(rows) if r in self._scored]
            if idx and len(idx) < len(rows):
                values = self.block([rows[i] for i in idx], others)[mask[idx]]
                if values.size and values.min() < LINK_THRESHOLD:
                    return float(values.min())
        return None

    def block(self, ra, rb) -> np.ndarray:
        """Probabilities that the pairs ra x rb report one event. Rows scored by `score_rows`
        are looked up (a pair not remembered there is below LINK_THRESHOLD, shown as 0); other
        pairs are computed."""
        ra, rb = np.asarray(ra, dtype=np.int64), np.asarray(rb, dtype=np.int64)
        if not len(ra) or not len(rb):
            return np.zeros((len(ra), len(rb)))
        if self._floor >= LINK_THRESHOLD:  # a model under which sharing nothing still links
            return probability(self.features(ra, rb), self.model)
        scored = self._scored
        in_a = np.array([a in scored for a in ra.tolist()], dtype=bool)
        out = np.empty((len(ra), len(rb)))
        if in_a.any():
            out[in_a] = self._lookup(ra[in_a], rb)
        rest = ~in_a
        if rest.any():
            in_b = np.array([b in scored for b in rb.tolist()], dtype=bool)
            sub = np.empty((int(rest.sum()), len(rb)))
            if in_b.any():
                sub[:, in_b] = self._lookup(rb[in_b], ra[rest]).T
            if (~in_b).any():
                sub[:, ~in_b] = probability(self.features(ra[rest], rb[~in_b]), self.model)
            out[rest] = sub
        return out


def pair_features(body, title, actors, days_apart) -> dict[str, np.ndarray]:
    """The group cosines (body, title, actors) and the model's FEATURES of pairs, from their
    cosines and days apart (arrays of one shape; undated pairs count as 0 days apart)."""
    body, title, actors = (np.asarray(x, dtype=np.float64) for x in (body, title, actors))
    return {
        "body": body,
        "title": title,
        "actors": actors,
        "log_body": np.log(body + 0.01),
        "actors_with_words": np.sqrt(actors * np.maximum(body - WORD_FLOOR, 0.0)),
        "days": np.log1p(np.asarray(days_apart, dtype=np.float64)),
    }


def probability(features: dict[str, np.ndarray], model: dict) -> np.ndarray:
    """The logistic model's probability from the FEATURES arrays of PairScorer.features."""
    z = model["intercept"] + sum(model[k] * features[k] for k in FEATURES)
    return 1.0 / (1.0 + np.exp(-z))


class _Clusters:
    """Complete-link agglomeration over sparse candidate pairs: clusters (lists of matrix rows)
    merge best-first while the smallest similarity between their articles, over the pairs
    published within WINDOW_DAYS of each other, stays at or above LINK_THRESHOLD.

    Minimums are computed lazily: after a merge, the merged cluster's minimum towards a
    neighbour is bounded by the minimums of its two parts (it can only fall as clusters grow),
    and the exact value is computed only when that pair reaches the top of the queue."""

    def __init__(self, matrix: sparse.csr_matrix, days: np.ndarray, scorer: PairScorer | None = None):
        self.matrix = matrix
        self.scorer = scorer or PairScorer(matrix, days)
        self.days = days  # ordinal day per row, NaN when undated
        self.members: dict[str, list[int]] = {}
        self.neighbours: dict[str, set[str]] = {}
        self.version: dict[str, int] = {}
        # (a, b) with a < b -> (minimum or upper bound, exact?); minimum None: no pair is
        # close enough in time to compare.
        self._min: dict[tuple[str, str], tuple[float | None, bool]] = {}

    def add(self, cid: str, rows: list[int]) -> None:
        self.members[cid] = rows
        self.neighbours.setdefault(cid, set())
        self.version[cid] = 0

    def link(self, a: str, b: str) -> None:
        if a != b:
            self.neighbours[a].add(b)
            self.neighbours[b].add(a)

    def known(self, a: str, b: str, cosine: float) -> None:
        """Record the similarity of two single-article clusters, already computed."""
        self._min[(a, b) if a < b else (b, a)] = (cosine, True)

    def exact_min(self, a: str, b: str) -> float | None:
        """Smallest cosine over the pairs of a's and b's articles within the window; None when
        no pair is that close in time."""
        m = self._single_min(a, b)
        if m is False:
            m = self._general_min(a, b)
        self._min[(a, b) if a < b else (b, a)] = (m, True)
        return m

    def _general_min(self, a: str, b: str) -> float | None:
        """`exact_min` of any two clusters."""
        ra, rb = self._near(self.members[a], self.members[b]), self._near(self.members[b], self.members[a])
        # Undated articles (NaN) are compared with everything.
        near = ~(np.abs(self.days[ra][:, None] - self.days[rb][None, :]) > WINDOW_DAYS)
        if not near.any():
            return None
        m = self.scorer.known_below(ra, rb, near)
        return float(self.scorer.block(ra, rb)[near].min()) if m is None else m

    def _single_min(self, a: str, b: str) -> float | None | bool:
        """`exact_min` when one of the two is a single new article (its pairs remembered by
        the scorer), the most frequent case: a new article against a story it was found
        near. The same lookups as `known_below` and `block` make, in the same order, without
        their general bookkeeping; False when neither is such a single article."""
        scored = self.scorer._scored
        ma, mb = self.members[a], self.members[b]
        if len(ma) == 1 and ma[0] in scored:
            r, others, single_first = ma[0], mb, True
        elif len(mb) == 1 and mb[0] in scored:
            r, others, single_first = mb[0], ma, False
        else:
            return False
        if self.scorer._floor >= LINK_THRESHOLD:
            return False
        rows = np.asarray(self._near(others, [r]), dtype=np.int64)
        near = ~(np.abs(self.days[rows] - self.days[r]) > WINDOW_DAYS)
        if not near.any():
            return None
        in_rows = np.fromiter((x in scored for x in rows.tolist()), dtype=bool, count=len(rows))
        partly = in_rows.any() and not in_rows.all()
        if partly or (not single_first and in_rows.any()):
            # The other side's new articles looked up at r, once: known_below reads them first
            # when only some are new, block(others, [r]) when the single article comes second.
            at_r = np.array([self.scorer.lookup_at(x, r) for x in rows[in_rows].tolist()])
            low = at_r[near[in_rows]]
            if partly and low.size and low.min() < LINK_THRESHOLD:
                return float(low.min())
        if single_first or not in_rows.any():
            return float(self.scorer.lookup_row(r, rows[near]).min())
        values = np.empty(len(rows))
        values[in_rows] = at_r
        values[~in_rows] = self.scorer.lookup_row(r, rows[~in_rows])
        return float(values[near].min())

    def _near(self, rows: list[int], other: list[int]) -> list[int]:
        """The rows published within the window of any of `other`'s dates: a long-running
        story is compared by its articles of that time only, so its age costs nothing."""
        days = self.days[other]
        if len(rows) <= 8 or np.isnan(days).any():
            return rows
        lo, hi = np.min(days) - WINDOW_DAYS, np.max(days) + WINDOW_DAYS
        d = self.days[rows]
        keep = np.isnan(d) | ((d >= lo) & (d <= hi))
        return [r for r, k in zip(rows, keep) if k]

    def bound(self, a: str, b: str) -> tuple[float | None, bool]:
        key = (a, b) if a < b else (b, a)
        if key not in self._min:
            return self.exact_min(a, b), True
        return self._min[key]

    def merge_all(self, allowed) -> list[tuple[str, str]]:
        """Merge linked clusters best-first (highest minimum similarity first) while it stays at
        or above LINK_THRESHOLD; `allowed(a, b)` returns the id to keep, or None when the two
        may never merge (a function of the two ids alone, and a merged cluster keeps one of
        its ids). Returns (merged, kept) pairs in merge order."""
        heap: list = []

        def push(a: str, b: str) -> None:
            if allowed(a, b) is None:
                # Asked first: a pair that may not merge costs no minimum. Whether two may
                # merge depends only on their ids, which a merge keeps, so it never may.
                return
            m, exact = self.bound(a, b)
            if m is not None and m < LINK_THRESHOLD:
                # Minimums only fall as clusters grow: these two will never merge.
                self.neighbours[a].discard(b)
                self.neighbours[b].discard(a)
            elif m is not None:
                heapq.heappush(heap, (-m, a, b, self.version[a], self.version[b], exact))

        for a in sorted(self.neighbours):
            for b in sorted(self.neighbours[a]):
                if a < b:
                    push(a, b)
        merges = []
        while heap:
            _, a, b, va, vb, exact = heapq.heappop(heap)
            if a not in self.members or b not in self.members or (self.version[a], self.version[b]) != (va, vb):
                continue  # a stale entry: one of the two has merged since
            if not exact:
                self.exact_min(a, b)
                push(a, b)
                continue
            keep = allowed(a, b)
            gone = b if keep == a else a
            # The merged cluster's minimum towards c is the smaller of its parts' minimums (a
            # part with no pair inside the window does not count); exact when both are.
            combined = {}
            for c in (self.neighbours[keep] | self.neighbours[gone]) - {keep, gone}:
                parts = [self._min.get((x, c) if x < c else (c, x)) for x in (keep, gone)]
                known = [p for p in parts if p is not None]
                values = [m for m, _ in known if m is not None]
                combined[c] = (min(values) if values else None, len(known) == 2 and all(e for _, e in known))
            for c in self.neighbours.pop(gone):
                self.neighbours[c].discard(gone)
                self._min.pop((gone, c) if gone < c else (c, gone), None)
            for c in self.neighbours[keep]:
                self._min.pop((keep, c) if keep < c else (c, keep), None)
            self.members[keep] = self.members[keep] + self.members.pop(gone)
            self.version[keep] += 1
            merges.append((gone, keep))
            for c, (m, exact) in combined.items():
                if m is None and not exact:
                    continue  # nothing known: computed exactly when pushed
                self._min[(keep, c) if keep < c else (c, keep)] = (m, exact)
            for c in combined:
                self.link(keep, c)
            for c in sorted(self.neighbours[keep]):
                push(*sorted((keep, c)))
        return merges


# How much larger than its parts' largest window the whole window of a chunk's new articles may
# be for them to be scored against it at once (_candidate_pairs).
WHOLE_WINDOW_SLACK = 1.25


def _candidate_pairs(
    matrix: sparse.csr_matrix, days: np.ndarray, rows: list[int], pool: np.ndarray, chunk: int = 256,
    scorer: PairScorer | None = None,
):
    """For each of `rows` (oldest first), its NEIGHBOURS most probable other rows among `pool`
    published within the window, with a cosine of at least CANDIDATE_COSINE and a probability
    of at least LINK_THRESHOLD: yields (row, other, probability). Only rows inside the chunk's date range plus the window are
    compared, so the cost grows with the articles per window, not with all articles."""
    dated = pool[~np.isnan(days[pool])]
    by_day = dated[np.argsort(days[dated], kind="stable")]
    sorted_days = days[by_day]
    undated = pool[np.isnan(days[pool])]

    def window(part) -> np.ndarray:
        part_days = days[part]
        if np.isnan(part_days).any():
            return pool
        lo = np.searchsorted(sorted_days, part_days.min() - WINDOW_DAYS, side="left")
        hi = np.searchsorted(sorted_days, part_days.max() + WINDOW_DAYS, side="right")
        return np.concatenate([by_day[lo:hi], undated])

    parts = [rows[start:start + chunk] for start in range(0, len(rows), chunk)]
    windows = [window(part) for part in parts]
    if len(parts) > 1:
        # Consecutive articles share most of their window: when the rows' whole window is
        # hardly larger than a part's, every row is scored against it in one call, so the
        # candidates' matrix is gathered and transposed once, not once per part. The pairs
        # kept are the same (the rows outside an article's own window are never kept) with
        # the same values (each pair's sum runs over its own shared features, in its order).
        whole = window(rows)
        if len(whole) <= WHOLE_WINDOW_SLACK * max(len(w) for w in windows):
            parts, windows = [rows], [whole]
    for part, cands in zip(parts, windows):
        scored = scorer.score_rows(np.asarray(part, dtype=np.int64), cands)
        for r, (cols, vals, overall) in zip(part, scored):
            keep = overall >= CANDIDATE_COSINE
            cols, vals = cols[keep], vals[keep]
            if len(cols) > NEIGHBOURS:
                top = np.argpartition(-vals, NEIGHBOURS)[:NEIGHBOURS]
                cols, vals = cols[top], vals[top]
            for c, v in zip(cols.tolist(), vals.tolist()):
                yield r, c, v


def assign_stories(
    new: pl.DataFrame, earlier: pl.DataFrame, matrix: sparse.csr_matrix, ids: list[str], model: dict | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Story of each new article with the reason (story_links rows), and the earlier stories
    that merged (merged_story_id, into_story_id).

    new: article_id, published_date, dup_group_id (no story yet);
    earlier: article_id, published_date, dup_group_id, story_id (stories already given), and
    optionally story_first_date, story_first_article, story_articles: the first article of
    the story and its number of articles when `earlier` holds only some of its articles
    (those of the new articles' weeks; such a story never merges with another earlier one);
    matrix: TF-IDF rows of `ids`, which hold every article of both frames.
    Copies of an article with a story join it. The other new articles (copies together) start
    as clusters of their own and merge, complete-link, with each other and with earlier
    stories; two earlier stories merge only through new articles close to both, the older
    story keeping its id. A cluster of new articles only is named after its earliest article.
    `model` replaces the merge model's coefficients (MODEL), for fitting and measuring.
    Each link's score is the model's probability for the article and the one it is matched to."""
    row_of = {a: i for i, a in enumerate(ids)}
    days = np.full(len(ids), np.nan)
    for frame in (new, earlier):
        for aid, d in frame.select("article_id", "published_date").iter_rows():
            if d is not None:
                days[row_of[aid]] = d.toordinal()
    scorer = PairScorer(matrix, days, model)
    clusters = _Clusters(matrix, days, scorer)
    first_seen: dict[str, tuple] = {}
    # Copies are (nearly) the same text: one article stands for its dup group in the
    # comparisons, the others follow it.
    group_rep: dict[str, int] = {}
    rep_of: dict[int, int] = {}
    earlier_rows: dict[str, list[int]] = {}
    partial: set[str] = set()  # earlier stories of which `earlier` holds only some articles
    if "story_first_article" in earlier.columns:  # the story's first article over all its articles
        for story, d, aid in earlier.select("story_id", "story_first_date", "story_first_article").unique().iter_rows():
            first_seen[story] = (d or date.max, aid)
    if "story_articles" in earlier.columns:
        read = earlier.group_by("story_id").agg(pl.len().alias("read"), pl.col("story_articles").first())
        partial = set(read.filter(pl.col("read") < pl.col("story_articles"))["story_id"].to_list())
    for aid, g, story, d in (
        earlier.sort("published_date", "article_id", nulls_last=True)
        .select("article_id", "dup_group_id", "story_id", "published_date")
        .iter_rows()
    ):
        key = (d or date.max, aid)
        first_seen[story] = min(first_seen.get(story, key), key)
        if g is not None and g in group_rep:
            continue
        earlier_rows.setdefault(story, []).append(row_of[aid])
        if g is not None:
            group_rep[g] = row_of[aid]
    for story, rows in earlier_rows.items():
        clusters.add(story, rows)
    existing = set(first_seen)

    order = new.sort("published_date", "article_id", nulls_last=True)
    rep_rows = [r for rows in earlier_rows.values() for r in rows]
    new_reps = []
    own: dict[str, str] = {}
    for aid, g, d in order.select("article_id", "dup_group_id", "published_date").iter_rows():
        r = row_of[aid]
        if g is not None and g in group_rep:
            rep_of[r] = group_rep[g]
            continue
        cid = own_story_id(aid, clusters.members)
        own[aid] = cid
        clusters.add(cid, [r])
        first_seen[cid] = (d or date.max, aid)
        new_reps.append(r)
        if g is not None:
            group_rep[g] = r
    rep_rows += new_reps
    cluster_of_row = {r: cid for cid, rows in clusters.members.items() for r in rows}

    for r, other, cosine in _candidate_pairs(matrix, days, new_reps, np.array(sorted(rep_rows), dtype=np.int64), scorer=scorer):
        a, b = cluster_of_row[r], cluster_of_row[other]
        if a != b:
            clusters.link(a, b)
            if len(clusters.members[a]) == 1 and len(clusters.members[b]) == 1:
                clusters.known(a, b, cosine)

    def allowed(a: str, b: str) -> str | None:
        # Earlier stories keep their ids: the older one absorbs the other. Two earlier stories
        # merge only when both were read whole: complete link would compare every pair of
        # their articles published within the window of each other, and the articles of a
        # story's other months were not read.
        if a in existing and b in existing:
            if a in partial or b in partial:
                return None
            return min(a, b, key=lambda c: first_seen[c])
        if a in existing:
            return a
        if b in existing:
            return b
        return min(a, b, key=lambda c: first_seen[c])

    merges = clusters.merge_all(allowed)
    final = {r: cid for cid, rows in clusters.members.items() for r in rows}
    story_merges = [(gone, keep) for gone, keep in merges if gone in existing]
    # Resolve chains: a story merged into one that later merged again.
    into = dict(story_merges)
    story_merges = [(gone, _follow(into, keep)) for gone, keep in story_merges]

    links = []
    for aid in order["article_id"].to_list():
        r = row_of[aid]
        if r in rep_of:
            rep = rep_of[r]
            story = final[rep]
            # Computed, not looked up: a copy is not among the rows its representative was
            # scored against, so a lookup would read the pair as below the threshold (0).
            score = float(probability(scorer.features([rep], [r]), scorer.model)[0, 0])
            links.append((aid, story, ids[rep], score, "duplicate"))
            continue
        story = final[r]
        others = [x for x in clusters._near(clusters.members[story], [r]) if x != r]
        if not others:
            links.append((aid, story, None, None, "new"))
            continue
        # The explanation: the story's article most like this one.
        sims = scorer.block(others, [r]).ravel()
        k = int(np.argmax(sims))
        reason = "new" if story == own.get(aid) else "similar"
        links.append((aid, story, ids[others[k]], float(sims[k]), reason))
    return (
        pl.DataFrame(links, schema=LINK_SCHEMA, orient="row"),
        pl.DataFrame(story_merges, schema=MERGE_SCHEMA, orient="row"),
    )


def own_story_id(article_id: str, taken) -> str:
    """The id of a story an article starts: "s-" and its id. An article analysed again (its file
    changed) may have started a story that lives on with other articles under that id; the
    new one then gets "s-<id>-2" (then -3, ...), never the living story's id."""
    story = f"s-{article_id}"
    n = 1
    while story in taken:
        n += 1
        story = f"s-{article_id}-{n}"
    return story


def _follow(into: dict[str, str], story: str) -> str:
    seen = set()
    while story in into and story not in seen:
        seen.add(story)
        story = into[story]
    return story


def cluster(articles: pl.DataFrame, mentions: pl.DataFrame, model: dict | None = None) -> pl.DataFrame:
    """Stories for a whole set of articles at once (no earlier state): the story_links rows.

    articles: article_id, title, body, published_date, dup_group_id; mentions: article_id, actor_id."""
    terms = article_terms(articles, mentions)
    df = document_frequencies(terms)
    ids = articles["article_id"].to_list()
    matrix = tfidf_matrix(ids, terms, dict(zip(df["term"], df["df"])), len(ids))
    earlier = pl.DataFrame(
        schema={"article_id": pl.String, "published_date": pl.Date, "dup_group_id": pl.String, "story_id": pl.String}
    )
    links, _ = assign_stories(articles.select("article_id", "published_date", "dup_group_id"), earlier, matrix, ids, model)
    return links
