"""Story clustering: every article gets a story_id shared with the articles reporting the same event.

Articles are compared as TF-IDF vectors over their title and body words plus their actors (the
resolved actors of `mentions`, so "Clinton" and "Bill Clinton" count as one feature), and only
with articles published within a few weeks of them. Taken oldest first, a new article joins the
story whose members it resembles most (a blend of its best match and its average match with
the story's recent members) when that score clears a threshold, and starts a story of its own
otherwise; copies (one dup_group_id) always share a story. Earlier assignments are never
revisited, so story ids stay stable as files arrive; each join is explained in `story_links`
(best-matching article and score). Document frequencies are kept in `story_term_df` so later
runs weigh words as earlier ones did.
"""

import math
import re
from collections import Counter
from datetime import date, datetime, timezone

import dagster as dg
import numpy as np
import polars as pl
from scipy import sparse
from spacy.lang.en.stop_words import STOP_WORDS

from pipelines.resources import WarehouseResource
from warehouse import db

# How far apart (days of published_date) two articles of one story may be: stories run days
# to weeks, and an article is compared only with articles this close to it.
WINDOW_DAYS = 30
# Score a new article needs to join a story (measured on the stories-dev split, see README).
JOIN_THRESHOLD = 0.2
# Story score = (1 - AVERAGE_WEIGHT) * best match + AVERAGE_WEIGHT * mean match over the
# story's members in the window: the mean keeps one loosely related article from chaining
# two events together.
AVERAGE_WEIGHT = 0.0
# Weight of an actor feature relative to a word of the same IDF.
ACTOR_WEIGHT = 1.0
# Title words count this many times: a headline names the event.
TITLE_REPEAT = 2
# Words of the body taken into account: the lead paragraphs carry the event.
BODY_WORDS = 400

_WORD = re.compile(r"[^\W\d_][\w'’-]*[^\W_]|[^\W\d_]")
_STOP = frozenset(STOP_WORDS) | {"said", "says", "say", "mr", "mrs", "ms", "new", "ap", "nyt"}

LINK_SCHEMA = {
    "article_id": pl.String,
    "story_id": pl.String,
    "matched_article_id": pl.String,
    "score": pl.Float64,
    "reason": pl.String,
}


def words(text: str | None, limit: int | None = None) -> list[str]:
    """Lower-cased content words of `text` (stop words and numbers left out)."""
    found = _WORD.findall((text or "").lower())
    if limit is not None:
        found = found[:limit]
    return [w.replace("’", "'").removesuffix("'s") for w in found if w not in _STOP and len(w) > 1]


def article_terms(articles: pl.DataFrame, mentions: pl.DataFrame) -> dict[str, Counter]:
    """Feature counts per article_id: title and body words, and one `@actor_id` feature per
    actor mentioned (counted once: being named at all is what links two reports)."""
    actors: dict[str, set[str]] = {}
    for aid, actor in mentions.select("article_id", "actor_id").drop_nulls().iter_rows():
        actors.setdefault(aid, set()).add(actor)
    out = {}
    for aid, title, body in articles.select("article_id", "title", "body").iter_rows():
        c = Counter(words(body, BODY_WORDS))
        for w in words(title) if TITLE_REPEAT else ():
            c[w] += TITLE_REPEAT
        for actor in actors.get(aid, ()):
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
    """L2-normalised TF-IDF rows for `ids` (sublinear tf, smoothed idf)."""
    vocab: dict[str, int] = {}
    rows, cols, vals = [], [], []
    for i, aid in enumerate(ids):
        for t, n in terms.get(aid, {}).items():
            idf = math.log((documents + 1) / (df.get(t, 0) + 1)) + 1.0
            w = (1.0 + math.log(n)) * idf * (ACTOR_WEIGHT if t.startswith("@") else 1.0)
            rows.append(i)
            cols.append(vocab.setdefault(t, len(vocab)))
            vals.append(w)
    m = sparse.csr_matrix((vals, (rows, cols)), shape=(len(ids), max(len(vocab), 1)), dtype=np.float64)
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ m)


def _day(d: date | None) -> int | None:
    return None if d is None else d.toordinal()


def assign_stories(
    new: pl.DataFrame, earlier: pl.DataFrame, matrix: sparse.csr_matrix, ids: list[str]
) -> pl.DataFrame:
    """Story of each new article, with the reason (story_links rows).

    new: article_id, published_date, dup_group_id (story_id null);
    earlier: article_id, published_date, dup_group_id, story_id (already assigned);
    matrix: TF-IDF rows of `ids`, which hold every article of both frames.
    A new article joins the story of a copy when one has a story, else the best-scoring story
    within WINDOW_DAYS when its score reaches JOIN_THRESHOLD, else starts a story named after
    itself. Oldest first, so earlier articles are never re-assigned."""
    row_of = {a: i for i, a in enumerate(ids)}
    new = new.sort("published_date", "article_id", nulls_last=True)
    # Assigned articles so far, in arrays that grow as new ones are assigned.
    a_ids = earlier["article_id"].to_list()
    a_day = [_day(d) for d in earlier["published_date"].to_list()]
    a_story = earlier["story_id"].to_list()
    group_story = {}
    group_member = {}
    for aid, g, s in earlier.select("article_id", "dup_group_id", "story_id").iter_rows():
        if g is not None and g not in group_story:
            group_story[g], group_member[g] = s, aid
    links = []
    for aid, d, g in new.select("article_id", "published_date", "dup_group_id").iter_rows():
        day = _day(d)
        if g is not None and g in group_story:
            story, match, score, reason = group_story[g], group_member[g], 1.0, "duplicate"
        else:
            story, match, score, reason = _best_story(matrix, row_of, aid, day, a_ids, a_day, a_story)
        if story is None:
            story, match, score, reason = f"s-{aid}", None, None, "new"
        links.append((aid, story, match, score, reason))
        a_ids.append(aid)
        a_day.append(day)
        a_story.append(story)
        if g is not None and g not in group_story:
            group_story[g], group_member[g] = story, aid
    return pl.DataFrame(links, schema=LINK_SCHEMA, orient="row")


def _best_story(matrix, row_of, aid, day, a_ids, a_day, a_story):
    if not a_ids:
        return None, None, None, None
    days = np.array([x if x is not None else -(10**9) for x in a_day], dtype=np.int64)
    if day is None:
        near = np.arange(len(a_ids))
    else:
        # Undated articles are compared with everything; dated ones only within the window.
        undated = np.array([x is None for x in a_day])
        near = np.flatnonzero(undated | (np.abs(days - day) <= WINDOW_DAYS))
    if len(near) == 0:
        return None, None, None, None
    cand = matrix[[row_of[a_ids[j]] for j in near]]
    sims = np.asarray((cand @ matrix[row_of[aid]].T).todense()).ravel()
    stories = [a_story[j] for j in near]
    uniq, inv = np.unique(np.array(stories, dtype=object), return_inverse=True)
    best = np.full(len(uniq), -1.0)
    np.maximum.at(best, inv, sims)
    mean = np.bincount(inv, weights=sims) / np.bincount(inv)
    score = (1 - AVERAGE_WEIGHT) * best + AVERAGE_WEIGHT * mean
    k = int(np.argmax(score))
    if score[k] < JOIN_THRESHOLD:
        return None, None, None, None
    members = np.flatnonzero(inv == k)
    m = members[int(np.argmax(sims[members]))]
    return str(uniq[k]), a_ids[near[m]], float(score[k]), "similar"


def cluster(articles: pl.DataFrame, mentions: pl.DataFrame) -> pl.DataFrame:
    """Stories for a whole set of articles at once (no earlier state): the story_links rows.

    articles: article_id, title, body, published_date, dup_group_id; mentions: article_id, actor_id."""
    terms = article_terms(articles, mentions)
    df = document_frequencies(terms)
    ids = articles["article_id"].to_list()
    matrix = tfidf_matrix(ids, terms, dict(zip(df["term"], df["df"])), len(ids))
    earlier = pl.DataFrame(schema={"article_id": pl.String, "published_date": pl.Date, "dup_group_id": pl.String, "story_id": pl.String})
    return assign_stories(articles.select("article_id", "published_date", "dup_group_id"), earlier, matrix, ids)


def story_table(articles: pl.DataFrame) -> pl.DataFrame:
    """The `stories` table from articles (article_id, story_id, title, published_date, outlet):
    title of the story's earliest article, first/last day, articles, outlets."""
    a = articles.filter(pl.col("story_id").is_not_null()).sort("published_date", "article_id", nulls_last=True)
    return (
        a.group_by("story_id", maintain_order=True)
        .agg(
            pl.col("title").drop_nulls().first().alias("title"),
            pl.col("published_date").min().alias("first_seen"),
            pl.col("published_date").max().alias("last_seen"),
            pl.len().cast(pl.Int64).alias("articles"),
            pl.col("outlet").drop_nulls().n_unique().cast(pl.Int64).alias("outlets"),
            pl.col("dup_group_id").n_unique().cast(pl.Int64).alias("unique_articles"),
        )
        .sort("story_id")
    )


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


@dg.asset(group_name="stories", kinds={"duckdb", "polars"}, pool="warehouse", deps=["actors"])
def stories(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Gives every new article a story (joining an existing one or starting one) and rebuilds
    the `stories` table; earlier articles keep their story."""
    with warehouse.read() as conn:
        new = db.query_frame(conn, db.read_sql("stories_new_articles"))
        if new.height:
            lo, hi = new["published_date"].min(), new["published_date"].max()
            earlier = db.query_frame(conn, db.read_sql("stories_window_articles"), [lo, hi, WINDOW_DAYS])
            ids = new["article_id"].to_list() + earlier["article_id"].to_list()
            mentions = db.query_frame(
                conn, "SELECT article_id, actor_id FROM mentions WHERE list_contains(?, article_id)", [ids]
            )
            stored_df = db.query_frame(conn, "SELECT term, df FROM story_term_df")
            documents = conn.execute("SELECT coalesce(sum(documents), 0) FROM story_corpus").fetchone()[0]
    if new.height == 0:
        context.log.info("no new articles")
        return dg.MaterializeResult(metadata={"new_articles": 0})

    terms = article_terms(pl.concat([new.select("article_id", "title", "body"), earlier.select("article_id", "title", "body")]), mentions)
    new_df = document_frequencies({a: terms[a] for a in new["article_id"].to_list()})
    df_all = (
        pl.concat([stored_df.cast({"df": pl.Int64}), new_df]).group_by("term").agg(pl.col("df").sum())
    )
    matrix = tfidf_matrix(ids, terms, dict(zip(df_all["term"], df_all["df"])), int(documents) + new.height)
    links = assign_stories(new, earlier, matrix, ids).with_columns(pl.lit(_now()).alias("linked_at"))

    with warehouse.write() as conn, db.transaction(conn):
        conn.register("_story_links", links.to_arrow())
        conn.register("_story_df", new_df.to_arrow())
        try:
            conn.execute(db.read_sql("stories_update"))
        finally:
            conn.unregister("_story_links")
            conn.unregister("_story_df")
        conn.execute("INSERT INTO story_corpus VALUES (?, ?)", [new.height, _now()])
        table = story_table(
            db.query_frame(conn, "SELECT article_id, story_id, title, published_date, outlet, dup_group_id FROM articles")
        )
        conn.execute("DELETE FROM stories")
        db.insert_frame(conn, "stories", table)
    joined = links.filter(pl.col("reason") != "new").height
    context.log.info(f"{new.height} new articles: {joined} joined a story, {new.height - joined} started one")
    return dg.MaterializeResult(
        metadata={
            "new_articles": new.height,
            "joined": joined,
            "started": new.height - joined,
            "stories": table.height,
            "largest": dg.MetadataValue.md(
                "\n".join(
                    ["| story | articles | first | last |", "|---|---|---|---|"]
                    + [
                        f"| {t} | {n} | {f} | {l} |"
                        for t, n, f, l in table.sort("articles", descending=True)
                        .head(10)
                        .select("title", "articles", "first_seen", "last_seen")
                        .iter_rows()
                    ]
                )
            ),
        }
    )
