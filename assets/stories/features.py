"""Story features: what an article contributes to story matching, kept per article.

Each article becomes counts of stemmed body words, its title words (`^word`; the first sentence
stands in for a missing title: it says what happened) and one `@actor_id` feature per actor it
mentions. The three groups are compared separately (`feature_kinds`, `group_rows`): who is
named and what the headline says are different evidence from the words of the body, and the
story model (clustering.py) weighs them apart. The counts are stored (`story_features`) so later runs weigh and compare
articles without reading or stemming their bodies again; TF-IDF weights come from the running
document frequencies (`story_term_df`), so later runs weigh words as earlier ones did.
"""

import functools
import math
import re
from collections import Counter

import numpy as np
import polars as pl
import snowballstemmer
from scipy import sparse

# Weight of an actor feature relative to a word of the same IDF.
ACTOR_WEIGHT = 0.5
# Title words are features of their own (`^word`); 0 leaves them out.
TITLE_REPEAT = 1
# Feature groups, by the first character of a feature: body word, title word (^), actor (@).
BODY, TITLE, ACTOR = 0, 1, 2
# Words of the body taken into account (a feature story's later paragraphs wander off).
BODY_WORDS = 800
# Features kept per article, the heaviest by TF-IDF.
TOP_FEATURES = 300

_WORD = re.compile(r"[^\W\d_][\w'’-]*[^\W_]|[^\W\d_]")


@functools.lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    # spaCy's list, imported when first needed (importing spaCy costs about a second), plus
    # reporting verbs and titles, in every article, and agency credits ("(AP)"), in every wire story.
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS) | {"said", "says", "say", "told", "mr", "mrs", "ms", "ap", "afp", "reuters"}


_STEMMER = snowballstemmer.stemmer("english")
STEM = True


_STEMS: dict[str, str] = {}


def _stem(word: str) -> str:
    # "bombing", "bombings" and "bombs" are one feature: reports of one event vary the forms.
    if not STEM:
        return word
    stem = _STEMS.get(word)
    if stem is None:
        stem = _STEMS[word] = _STEMMER.stemWord(word) if len(_STEMS) < 500_000 else _STEMMER.stemWord(word)
    return stem


def words(text: str | None, limit: int | None = None) -> list[str]:
    """Lower-cased, stemmed content words of `text` (stop words and numbers left out)."""
    found = _WORD.findall((text or "").lower())
    if limit is not None:
        found = found[:limit]
    stop = _stop_words()
    return [_stem(w.replace("’", "'").removesuffix("'s")) for w in found if w not in stop and len(w) > 1]


def article_terms(articles: pl.DataFrame, mentions: pl.DataFrame) -> dict[str, Counter]:
    """Feature counts per article_id: body words, title words (`^word`, from the first sentence
    of the body when the title is missing), and one `@actor_id` feature per actor mentioned
    (counted once: being named at all is what links two reports)."""
    actors: dict[str, set[str]] = {}
    for aid, actor in mentions.select("article_id", "actor_id").drop_nulls().iter_rows():
        actors.setdefault(aid, set()).add(actor)
    out = {}
    for aid, title, body in articles.select("article_id", "title", "body").iter_rows():
        c = Counter(words(body, BODY_WORDS))
        for w in words(title or headline(body, 200)) if TITLE_REPEAT else ():
            c["^" + w] += TITLE_REPEAT
        for actor in sorted(actors.get(aid, ())):  # sorted: a set's order changes with each process
            c["@" + actor] = 1
        out[aid] = c
    return out


def document_frequencies(terms: dict[str, Counter]) -> pl.DataFrame:
    """term, df: in how many of these articles each feature occurs."""
    df = Counter()
    for c in terms.values():
        df.update(c.keys())
    return pl.DataFrame({"term": list(df.keys()), "df": list(df.values())}, schema={"term": pl.String, "df": pl.Int64})


def tfidf_matrix(ids: list[str], terms: dict[str, Counter], df: dict[str, int], documents: int) -> sparse.csr_matrix:
    """L2-normalised TF-IDF rows for `ids` from feature counts per article (see `tfidf_rows`)."""
    pairs = [(aid, t, n) for aid in ids for t, n in (terms.get(aid) or {}).items()]
    counts = pl.DataFrame(pairs, schema={"article_id": pl.String, "term": pl.String, "count": pl.Int64}, orient="row")
    frequencies = pl.DataFrame({"term": list(df), "df": list(df.values())}, schema=DF_SCHEMA)
    return tfidf_rows(ids, counts, frequencies, documents)


DF_SCHEMA = {"term": pl.String, "df": pl.Int64}


def exploded(features: pl.DataFrame, first_row: int | None = None) -> pl.DataFrame:
    """(article_id, term, count) rows from stored story_features rows (article_id, terms, counts).
    With `first_row`, (row, term, count) instead: the matrix row of each article, counted from
    `first_row` in the order of `features` (an integer instead of the id repeated on each of
    an article's features: in a dense window millions of rows, a copy of them each step)."""
    key = pl.col("article_id") if first_row is None else (pl.int_range(pl.len(), dtype=pl.Int32) + first_row).alias("row")
    return (features.select(key, pl.col("terms").alias("term"), pl.col("counts").alias("count"))
            .explode("term", "count").drop_nulls("term").with_columns(pl.col("count").cast(pl.Int32)))


def coded(counts: pl.DataFrame, ids: list[str] | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(row, col, count) rows and the vocabulary (col, term) of feature counts: each distinct
    term once, numbered in sorted order. `counts` has one row per (row, term, count), or per
    (article_id, term, count) with `ids` giving each article's row. In a dense window a chunk
    reads millions of features: past this point they are integers, not strings, so the rest
    (weights, the cut to the heaviest, the matrix) costs a fraction of the memory."""
    if "row" not in counts.columns:
        rows = pl.DataFrame({"article_id": ids, "row": np.arange(len(ids), dtype=np.int32)},
                            schema={"article_id": pl.String, "row": pl.Int32})
        counts = counts.join(rows, on="article_id", how="inner", maintain_order="left")
    none = pl.DataFrame(schema={"terms": pl.List(pl.String), "counts": pl.List(pl.Int32)})
    return coded_with_stored(counts.select("row", "term", "count"), none, 0)


def coded_with_stored(counts: pl.DataFrame, stored: pl.DataFrame, first_row: int,
                      id_terms: pl.DataFrame | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """`coded` of `counts` (row, term, count) followed by the stored features `stored` (rows
    from `first_row` in its order): `terms` and `counts` lists, or, as story_features holds
    them, `term_ids` and `counts` with `id_terms` (term_id, term) naming every number in them.
    Their terms are numbered inside their lists: the stored terms of a chunk that reads tens
    of thousands of articles are never laid out as millions of rows (nor, by number, read as
    strings at all). The vocabulary is every term in sorted order either way, so the columns
    are the same. A count of 0 is no feature."""
    by_number = "term_ids" in stored.columns
    stored_terms = id_terms["term"] if by_number else stored["terms"].explode()
    terms = pl.concat([counts["term"], stored_terms]).drop_nulls().unique().sort()
    vocab = pl.DataFrame({"term": terms}).with_row_index("col").with_columns(pl.col("col").cast(pl.Int32))
    del terms, stored_terms

    def numbered(term: pl.Expr) -> pl.Expr:
        return term.replace_strict(vocab["term"], vocab["col"], return_dtype=pl.Int32)

    if by_number:
        columns = id_terms.join(vocab, on="term").select("term_id", "col")
        stored_cols = pl.col("term_ids").list.eval(
            pl.element().replace_strict(columns["term_id"], columns["col"], default=None, return_dtype=pl.Int32))
    else:
        stored_cols = pl.col("terms").list.eval(numbered(pl.element()))
    out = pl.concat([
        counts.select(pl.col("row").cast(pl.Int32), numbered(pl.col("term")).alias("col"), pl.col("count").cast(pl.Int32)),
        stored.select((pl.int_range(pl.len(), dtype=pl.Int32) + first_row).alias("row"),
                      stored_cols.alias("col"), pl.col("counts").alias("count"))
        .explode("col", "count").drop_nulls("col").with_columns(pl.col("count").cast(pl.Int32)),
    ])
    if out.height and out["count"].min() <= 0:
        out = out.filter(pl.col("count") > 0)
    return out, vocab


# Matrix rows weighed at a time by `weighted_rows`: in a dense window a chunk reads tens of
# thousands of articles, and weighing all their features at once held several copies of
# millions of them (frames, the cut, the coordinate and compressed matrices, the normalised
# one) on top of each other, the stories step's peak at 100k (docs/performance.md).
ROWS_PER_BLOCK = 4096


def weighted_rows(n: int, counts: pl.DataFrame, vocab: pl.DataFrame, df: pl.DataFrame, documents: int,
                  rows_per_block: int = ROWS_PER_BLOCK) -> sparse.csr_matrix:
    """L2-normalised TF-IDF rows (sublinear tf, smoothed idf) from `coded` features: `counts`
    (row, col, count) for `n` rows, `vocab` (col, term), `df` the document frequency of each
    term (term, df; a missing term counts 0). Each row is cut to its TOP_FEATURES heaviest
    features (ties: the term first in order): the words that carry an article, and fewer to
    multiply. The matrix carries `kinds`, the feature group of each column (BODY, TITLE,
    ACTOR); columns are the vocabulary's terms in sorted order (a term of no row left after
    the cut keeps an empty column). Weighed `rows_per_block` rows at a time: a row's weights,
    cut and norm depend on that row alone, so the matrix is the same, entry for entry, in the
    same order, whatever the block size."""
    log_docs = math.log(documents + 1)
    terms = (vocab.join(df.select("term", pl.col("df").cast(pl.Int64)), on="term", how="left", maintain_order="left")
             .with_columns((log_docs - (pl.col("df").fill_null(0).cast(pl.Float64) + 1.0).log() + 1.0).alias("idf"),
                           pl.when(pl.col("term").str.starts_with("@")).then(ACTOR_WEIGHT).otherwise(1.0).alias("boost")))
    idf, boost = terms["idf"], terms["boost"]
    columns = max(vocab.height, 1)
    blocks = []
    for first in range(0, max(n, 1), rows_per_block):
        last = min(n, first + rows_per_block)
        part = counts if first == 0 and last == n else counts.filter(pl.col("row").is_between(first, last - 1))
        blocks.append(_weighted_block(part, first, last - first, columns, idf, boost))
    out = blocks[0] if len(blocks) == 1 else sparse.vstack(blocks, format="csr")
    del blocks, part
    kinds = np.zeros(out.shape[1], dtype=np.int8)
    if vocab.height:
        first_char = vocab["term"].str.slice(0, 1)
        kinds[:vocab.height] = np.where(first_char == "@", ACTOR, np.where(first_char == "^", TITLE, BODY))
    out.kinds = kinds
    return out


def _weighted_block(counts: pl.DataFrame, first: int, rows: int, columns: int, idf: pl.Series,
                    boost: pl.Series) -> sparse.csr_matrix:
    """The normalised rows `first` to `first + rows` of `weighted_rows`, from their `counts`."""
    weighted = (
        counts.with_columns(
            ((pl.col("count").cast(pl.Float64).log() + 1.0) * pl.lit(idf).gather(pl.col("col")) * pl.lit(boost).gather(pl.col("col"))).alias("w"),
            pl.len().over("row").alias("features"))
        .select("row", "col", "w", "features")
    )
    # Only articles with more than TOP_FEATURES features are cut (heaviest first, then by term:
    # the columns are in the terms' order).
    long = (weighted.filter(pl.col("features") > TOP_FEATURES)
            .sort("row", "w", "col", descending=[False, True, False])
            .filter(pl.int_range(pl.len()).over("row") < TOP_FEATURES))
    weighted = pl.concat([weighted.filter(pl.col("features") <= TOP_FEATURES), long])
    del long
    m = sparse.csr_matrix((weighted["w"].to_numpy(), ((weighted["row"] - first).to_numpy(), weighted["col"].to_numpy())),
                          shape=(rows, columns), dtype=np.float64)
    del weighted
    return _normalised(m)


def tfidf_rows(ids: list[str], counts: pl.DataFrame, df: pl.DataFrame, documents: int) -> sparse.csr_matrix:
    """L2-normalised TF-IDF rows for `ids` (see `weighted_rows`). `counts` has one row per
    (article_id, term, count) (or per (row, term, count), the article's row in `ids`: see
    `exploded`), `df` the document frequency of each term (term, df). Built column-wise, so
    reading thousands of stored articles costs array operations, not a Python loop per
    feature."""
    codes, vocab = coded(counts, ids)
    return weighted_rows(len(ids), codes, vocab, df, documents)


def feature_kind(term: str) -> int:
    return ACTOR if term[:1] == "@" else TITLE if term[:1] == "^" else BODY


def group_rows(matrix: sparse.csr_matrix) -> dict[int, sparse.csr_matrix]:
    """The matrix cut into its feature groups (BODY, TITLE, ACTOR), each row as it stands in
    the whole matrix; `group_cosines` compares them. A matrix without `kinds` is all body
    words."""
    kinds = getattr(matrix, "kinds", None)
    if kinds is None:
        kinds = np.zeros(matrix.shape[1], dtype=np.int8)
    groups = {}
    for kind in (BODY, TITLE, ACTOR):
        cols = np.flatnonzero(kinds == kind)
        groups[kind] = sparse.csr_matrix(matrix[:, cols]) if len(cols) else sparse.csr_matrix((matrix.shape[0], 1))
    return groups


# Evidence a group needs before its cosine counts fully: each row's norm is taken as
# sqrt(norm^2 + GROUP_PRIOR^2). Two articles that name one actor each, the same one, have an
# actor cosine of 1 but little evidence (every report of a week names "Merz"); with the prior
# their similarity stays small, while articles naming several of the same actors keep theirs.
GROUP_PRIOR = 0.1


def group_cosines(group: sparse.csr_matrix, ra, rb) -> np.ndarray:
    """Cosines (len(ra) x len(rb)) over one feature group, shrunk by GROUP_PRIOR."""
    a, b = group[ra], group[rb]
    na = np.sqrt(np.asarray(a.multiply(a).sum(axis=1)).ravel() + GROUP_PRIOR**2)
    nb = np.sqrt(np.asarray(b.multiply(b).sum(axis=1)).ravel() + GROUP_PRIOR**2)
    return (a @ b.T).toarray() / np.outer(na, nb)


def _normalised(m: sparse.spmatrix) -> sparse.csr_matrix:
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ m)



_ABBREVIATIONS = frozenset(
    "mr mrs ms dr st jr sr gen sen rep gov col lt sgt capt maj adm rev prof inc co corp ltd no vs"
    " jan feb mar apr jun jul aug sep sept oct nov dec".split()
)


def headline(text: str | None, limit: int = 120) -> str | None:
    """A readable stand-in for a missing title: the text's first sentence, cut at a word
    boundary to at most `limit` characters."""
    text = " ".join((text or "").split())
    if not text:
        return None
    first = text
    for end in re.finditer(r"[.!?](?=\s|$)", text):
        word = text[: end.start()].rsplit(" ", 1)[-1]
        # "U.S.", "Gen." or "Mr." do not end a sentence.
        if "." in word or word.lower().strip("(\"'") in _ABBREVIATIONS or len(word) == 1:
            continue
        first = text[: end.end()]
        break
    if len(first) <= limit:
        return first
    return first[:limit].rsplit(" ", 1)[0] + "…"

