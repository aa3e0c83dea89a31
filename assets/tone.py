"""Tone: a score in [-1, 1] for each mention, from the sentence it stands in, and a daily tone
per actor.

Sentences are cut by a cheap rule (below, `sentence_spans`), not a parse, so that scoring a
million mentions costs seconds; the score is VADER's compound score of that sentence
(vaderSentiment: an English lexicon with rules for negation, intensifiers and contrast, shipped
inside its wheel). Scores are kept per body (`articles.content_hash`) and offsets, so a copy of
an article is never scored twice and a run scores only bodies with mentions not scored yet.
"""

import bisect
import re
from functools import lru_cache

import dagster as dg
import polars as pl

from assets.preview import frame_markdown
from pipelines.resources import WarehouseResource
from warehouse import db

# A period after one of these words (case ignored) does not end a sentence: titles before names,
# months, company suffixes. "etc." is left out: it ends sentences more often than not.
ABBREVIATIONS = frozenset(
    "mr mrs ms messrs dr prof gen col lt sgt capt cmdr adm maj sen rep gov pres supt insp rev fr hon "
    "st jr sr inc corp ltd co bros no nos vol fig jan feb mar apr jun jul aug sep sept oct nov dec "
    "vs approx dept est mt ft".split()
)
# Candidate sentence ends: terminal punctuation with any closing quotes or brackets, then space.
_TERMINAL = re.compile(r"[.!?]+[\"')\]]*(?=\s)")
# What may open a sentence after terminal punctuation: a capital, a digit, an opening quote or bracket.
_OPENER = re.compile(r"\s+[\"'(\[]*[A-Z0-9]")
_WORD_BEFORE = re.compile(r"([A-Za-z.]+)\.[\"')\]]*$")
# A line break ends a sentence unless the next line goes on in lower case (a hard-wrapped line).
_LINE_BREAK = re.compile(r"\n\s*\n\s*|\n(?![ \t]*[a-z,;])")
SCORE_DIGITS = 4
PENDING_CHUNK_BODIES = 2000
# English bodies the pending query looks at per statement: its joins hold their mentions and
# stored scores in hash tables. At 100k articles (1.2M scores), nothing new: one statement over
# every body took 600 MiB beyond what the process held, 10,000 bodies at a time 213 MiB, in
# the same second (docs/performance.md).
PENDING_QUERY_BODIES = 10_000
TONE_SCHEMA = {"content_hash": pl.String, "start_char": pl.Int32, "end_char": pl.Int32, "tone": pl.Float64,
               "sentence_start": pl.Int32, "sentence_end": pl.Int32}


def _is_abbreviation(text_before: str) -> bool:
    match = _WORD_BEFORE.search(text_before)
    if not match:
        return False
    word = match.group(1)
    # Initials and dotted acronyms ("J.", "U.S.", "e.g.") keep the sentence going.
    return word.lower().rstrip(".") in ABBREVIATIONS or bool(re.fullmatch(r"(?:[A-Za-z]\.)*[A-Za-z]", word))


def sentence_spans(body: str) -> list[tuple[int, int]]:
    """The sentences of a body as (start, end) offsets, whitespace trimmed.

    A sentence ends at `.`, `!` or `?` (with any closing quotes or brackets) followed by white
    space and a capital, digit or opening quote, unless the word before the period is an
    abbreviation, an initial or a dotted acronym ("Mr.", "J.", "U.S."); and at every line break
    except one followed by a lower-case word (a hard-wrapped line goes on)."""
    cuts = {m.end() for m in _LINE_BREAK.finditer(body)}
    for match in _TERMINAL.finditer(body):
        end = match.end()
        if _OPENER.match(body, end) and not (body[match.start()] == "." and _is_abbreviation(body[max(0, end - 40):end])):
            cuts.add(end)
    spans, start = [], 0
    for cut in sorted(cuts) + [len(body)]:
        piece = body[start:cut]
        lead = len(piece) - len(piece.lstrip())
        trail = len(piece.rstrip())
        if trail > lead:
            spans.append((start + lead, start + trail))
        start = cut
    return spans


def sentence_around(spans: list[tuple[int, int]], start: int, end: int) -> tuple[int, int]:
    """The sentence holding offsets [start, end); a mention crossing a cut gets both sentences."""
    starts = [s for s, _ in spans]
    first = max(bisect.bisect_right(starts, start) - 1, 0)
    last = max(bisect.bisect_right(starts, max(end - 1, start)) - 1, first)
    return spans[first][0], spans[last][1]


@lru_cache(maxsize=1)
def _analyzer():
    # Imported here: loading the lexicon is only needed by the steps that score.
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def sentence_tone(sentence: str) -> float:
    """VADER's compound score of one sentence, in [-1, 1], rounded to 4 digits."""
    return round(_analyzer().polarity_scores(sentence)["compound"], SCORE_DIGITS)


def mention_tones(bodies: pl.DataFrame, mentions: pl.DataFrame) -> pl.DataFrame:
    """Tone of each mention's sentence.

    bodies: content_hash, body. mentions: content_hash, start_char, end_char (duplicates are
    scored once). Returns content_hash, start_char, end_char, tone, sentence_start, sentence_end."""
    text = dict(zip(bodies["content_hash"].to_list(), bodies["body"].to_list()))
    rows = []
    wanted = mentions.select("content_hash", "start_char", "end_char").unique().sort("content_hash", "start_char", "end_char")
    for (content_hash,), group in wanted.group_by("content_hash", maintain_order=True):
        body = text.get(content_hash)
        if body is None:
            continue
        spans = sentence_spans(body)
        if not spans:
            continue
        scored: dict[tuple[int, int], float] = {}
        for start, end in group.select("start_char", "end_char").iter_rows():
            sentence = sentence_around(spans, start, end)
            if sentence not in scored:
                scored[sentence] = sentence_tone(body[sentence[0]:sentence[1]])
            rows.append((content_hash, start, end, scored[sentence], sentence[0], sentence[1]))
    return pl.DataFrame(rows, schema=TONE_SCHEMA, orient="row")


def tone_label(tone: float | None) -> str:
    """VADER's customary reading of a compound score: positive from 0.05, negative from -0.05."""
    if tone is None:
        return "none"
    return "positive" if tone >= 0.05 else "negative" if tone <= -0.05 else "neutral"


def pending_bodies(conn, bodies_per_statement: int = PENDING_QUERY_BODIES) -> pl.DataFrame:
    """tone_pending.sql's rows (content_hash, toned) in content-hash order, asked for
    `bodies_per_statement` English bodies at a time."""
    return db.query_in_ranges(conn, "tone_pending", "tone_body_keys", bodies_per_statement,
                              {"content_hash": pl.String, "toned": pl.Boolean})


@dg.asset(group_name="analytics", kinds={"duckdb"}, deps=["actors"])
def mention_tone(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Tone in [-1, 1] of the sentence each mention stands in (VADER, English), per body and
    offsets in `mention_tones`; only bodies with mentions not scored yet are read."""
    with warehouse.read() as conn:
        found = pending_bodies(conn)
    pending = found["content_hash"].to_list()
    toned = found.filter(pl.col("toned")).select("content_hash")
    scored = 0
    for first in range(0, len(pending), PENDING_CHUNK_BODIES):
        chunk = db.keys_frame("content_hash", pending[first:first + PENDING_CHUNK_BODIES])
        with warehouse.read() as conn, db.registered(conn, pending=chunk):
            bodies = db.query_frame(conn, db.read_sql("tone_bodies", pending=chunk["content_hash"]))
            mentions = db.query_frame(conn, db.read_sql("tone_mentions"))
        tones = mention_tones(bodies, mentions)
        # Only bodies scored before have scores to replace: a chunk of new bodies (the whole of a
        # first load) deletes nothing and scans no stored score.
        again = chunk.join(toned, on="content_hash", how="semi")
        with warehouse.write() as conn, db.transaction(conn), db.registered(conn, pending=again):
            if again.height:
                conn.execute("DELETE FROM mention_tones WHERE content_hash IN (SELECT content_hash FROM pending)")
            scored += db.insert_frame(conn, "mention_tones", tones)
        warehouse.release_memory()  # the blocks the chunk read and wrote: docs/performance.md
    with warehouse.write() as conn, db.transaction(conn):
        # Bodies no longer in the warehouse (a file replaced or removed) leave with their scores.
        conn.execute("DELETE FROM mention_tones WHERE content_hash NOT IN (SELECT content_hash FROM articles "
                     "WHERE content_hash IS NOT NULL)")
        total, mean = conn.execute("SELECT count(*), round(avg(tone), 3) FROM mention_tones").fetchone()
        spread = db.query_frame(conn, db.read_sql("tone_spread"))
    context.log.info(f"{len(pending)} bodies scored, {scored} mentions; {total} mention tones stored")
    return dg.MaterializeResult(metadata={
        "bodies_scored": len(pending),
        "mentions_scored": scored,
        "mention_tones": total,
        "mean_tone": mean,
        "spread": dg.MetadataValue.md(frame_markdown(spread)),
    })


# Mentions per statement of the actor_tone build: its join holds them in a hash table.
TONE_PART_MENTIONS = 100_000


@dg.asset(group_name="analytics", kinds={"duckdb"}, deps=["mention_tone", "actors"])
def actor_tone(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """One row per actor and publication day: mentions scored, mean tone, positive and negative
    mentions; rebuilt in SQL when what it reads changed since its last build (`build_state`).
    The metadata lists the actors covered most warmly and most coldly."""
    with warehouse.write() as conn:
        with db.transaction(conn):
            # A range of actors at a time, as actor_timelines (db.build_in_ranges).
            rebuilt = db.rebuild_in_ranges(conn, "actor_tone", "actor_tone_inputs", "actor_mention_ranges", TONE_PART_MENTIONS)
        rows = conn.execute("SELECT count(*) FROM actor_tone").fetchone()[0]
        extremes = db.query_frame(conn, db.read_sql("actor_tone_extremes"))
    return dg.MaterializeResult(metadata={
        "rows": rows,
        "rebuilt": rebuilt,
        "tone_by_actor": dg.MetadataValue.md(frame_markdown(extremes)),
    })
