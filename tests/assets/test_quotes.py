"""Quotation marks, attribution patterns and speaker resolution on texts written for the tests;
the quotes and tone assets on the real pipeline (real spaCy model, real DuckDB file)."""

import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from assets.quotes import Mention, extract_quotes, quotation_spans, rebuild_quotes
from pipelines.definitions import all_assets
from pipelines.resources import AliasResource
from warehouse import db

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "quotes"

BODY = (
    "BRISTOL - Port director Alan Brooks said on Monday that cargo volumes had doubled.\n\n"
    "\"We have never been busier,\" Brooks said. \"The cranes run all night.\"\n\n"
    "\"Nobody expected this,\" said Mira Shah, an economist at Westbank, \"least of all the port.\"\n\n"
    "Shah's colleague, Omar Reid, said: \"It is a boom, not a bubble.\"\n\n"
    "The director warned that wages would have to rise.\n\n"
    "According to Westbank, exports rose by a fifth.\n\n"
    "\"Margins are thin,\" an official said.\n\n"
    "Brooks called it a \"golden year\" for the city.\n\n"
    "\"It took us ten years to get here.\n\n"
    "\"Nobody will take it away,\" he added."
)


def mention(body, text, kind, nth=0):
    at = -1
    for _ in range(nth + 1):
        at = body.index(text, at + 1)
    return Mention(at, at + len(text), kind, f"{kind}:{text.split()[-1].lower()}")


def quotes_of(body, mentions):
    rows = []
    for q in extract_quotes(body, mentions):
        m = q.speaker_mention
        rows.append((body[q.start:q.end], q.kind, q.attribution, body[m.start:m.end] if m else None, q.resolved_by))
    return rows


def test_extract_quotes_attributes_each_pattern():
    mentions = [mention(BODY, "BRISTOL", "place"), mention(BODY, "Alan Brooks", "person"),
                mention(BODY, "Mira Shah", "person"), mention(BODY, "Westbank", "organization"),
                mention(BODY, "Shah", "person", 1), mention(BODY, "Omar Reid", "person"),
                mention(BODY, "Westbank", "organization", 1), mention(BODY, "Brooks", "person", 2)]
    assert quotes_of(BODY, mentions) == [
        ("cargo volumes had doubled", "reported", "said_that", "Alan Brooks", "mention"),
        # the recogniser missed this "Brooks": the surname of an earlier mention
        ("We have never been busier,", "direct", "said_after", "Alan Brooks", "surname"),
        ("The cranes run all night.", "direct", "continuation", "Alan Brooks", "surname"),
        ("Nobody expected this,", "direct", "said_after_inverted", "Mira Shah", "mention"),
        ("least of all the port.", "direct", "continuation", "Mira Shah", "mention"),
        # a possessive ("Shah's colleague") is not the speaker
        ("It is a boom, not a bubble.", "direct", "said_before", "Omar Reid", "mention"),
        # "the director": the person introduced with that title
        ("wages would have to rise", "reported", "said_that", "Alan Brooks", "title"),
        ("exports rose by a fifth", "reported", "according_to", "Westbank", "mention"),
        ("Margins are thin,", "direct", "said_after", None, "none"),
        # one quotation over two paragraphs; "he": the most recent person before it
        ("It took us ten years to get here.\n\n\"Nobody will take it away,", "direct", "said_after", "Brooks", "pronoun"),
    ]


@pytest.mark.parametrize("body, expected", [
    ('He called it "historic" and left.', ["historic"]),
    ("“Curly,” she said, “and closed.”", ["Curly,", "and closed."]),
    ('"One paragraph.\n\n"And the next," he said.', ['One paragraph.\n\n"And the next,']),
    ('"Never closed\nover a wrapped line.\n\nNext paragraph.', ["Never closed\nover a wrapped line."]),
    ("\"She said 'no' twice,\" he recalled.", ["She said 'no' twice,"]),
    ('Unclosed "at the end', ["at the end"]),
    ('Empty "" marks.', []),
])
def test_quotation_spans(body, expected):
    assert [body[s:e] for s, e in quotation_spans(body)] == expected


@pytest.mark.parametrize("body, names, expected", [
    # a spokesman for an organisation: the organisation speaks
    ('"We regret the delay," a spokesman for Orkney Sound said.',
     [("Orkney Sound", "organization")], ("We regret the delay,", "Orkney Sound")),
    # "the company": the organisation named most (the first on a tie), not the last one
    ("Tarn Mining cut jobs. Analysts at Fell Capital were calm. The company said that output would recover soon.",
     [("Tarn Mining", "organization"), ("Fell Capital", "organization")], ("output would recover soon", "Tarn Mining")),
    # a relative clause names someone else
    ('Ruth Dale, who met Ken Ito on Monday, said: "We agreed on everything."',
     [("Ruth Dale", "person"), ("Ken Ito", "person")], ("We agreed on everything.", "Ruth Dale")),
    # "CLAUSE, X said." without quotation marks
    ("Prices will fall next year, Ruth Dale said.", [("Ruth Dale", "person")], ("Prices will fall next year", "Ruth Dale")),
    # "X said (no that) CLAUSE", past a time phrase
    ("Ruth Dale said on Friday the mine would close.", [("Ruth Dale", "person")], ("the mine would close", "Ruth Dale")),
    # a passive "was said to" is nobody's speech
    ("The mine was said to be closing soon after the vote.", [], None),
])
def test_speaker_rules(body, names, expected):
    mentions = [mention(body, text, kind) for text, kind in names]
    found = quotes_of(body, mentions)
    assert [(q[0], q[3]) for q in found] == ([expected] if expected else [])


@pytest.fixture
def ferry_run(landing, resources):
    shutil.copy2(FIXTURES / "ferry.txt", landing / "ferry.txt")
    result = dg.materialize(all_assets, resources=resources)
    assert result.success
    return result, resources["warehouse"].file


def test_pipeline_quotes_and_tone(ferry_run, resources):
    result, path = ferry_run
    conn = duckdb.connect(str(path), read_only=True)
    quotes = conn.execute(
        "SELECT q.quote, q.kind, ac.name FROM quotes q LEFT JOIN actors ac USING (actor_id) ORDER BY q.start_char").fetchall()
    tones = dict(conn.execute(
        "SELECT m.surface, t.tone FROM mentions m JOIN articles a USING (article_id) JOIN mention_tones t "
        "ON t.content_hash = a.content_hash AND t.start_char = m.start_char AND t.end_char = m.end_char "
        "WHERE m.surface IN ('Fiona Mackay', 'Rennie')").fetchall())
    actor_tone = conn.execute("SELECT name, mentions, tone FROM actor_tone WHERE name = 'Fiona Mackay'").fetchall()
    conn.close()
    assert quotes == [
        ("the Stromness crossing would stay closed for at least two weeks after a storm damaged the pier",
         "reported", "Orkney Sound"),
        ("The pier is simply not safe, and we will not put passengers at risk,", "direct", "Fiona Mackay"),
        ("Shops are already running short of fresh food,", "direct", "Graham Rennie"),
        ("People are angry, and they are right to be.", "direct", "Graham Rennie"),
        ("the council would charter a smaller boat for medical supplies", "reported", "Graham Rennie"),
        ("Repairs could cost more than two million pounds", "reported", "Orkney Sound"),
    ]
    # "...not safe ... at risk," said Fiona Mackay: a negative sentence
    assert tones["Fiona Mackay"] == -0.5432
    assert tones["Rennie"] > 0  # "fresh food" is all VADER sees in that sentence
    assert actor_tone == [("Fiona Mackay", 1, -0.5432)]

    # A second run reads no body again and changes nothing.
    before = _tables(path)
    again = dg.materialize(all_assets, resources=resources)
    assert again.success
    assert again.asset_materializations_for_node("quotes")[0].metadata["bodies_read"].value == 0
    assert again.asset_materializations_for_node("quotes")[0].metadata["rebuilt"].value is False
    assert again.asset_materializations_for_node("mention_tone")[0].metadata["bodies_scored"].value == 0
    assert _tables(path) == before


def _tables(path):
    conn = duckdb.connect(str(path), read_only=True)
    try:
        return {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr)
                for t in ("quotes", "quote_spans", "mention_tones", "actor_tone")}
    finally:
        conn.close()


def test_alias_edit_reaches_quote_speakers(ferry_run, resources, tmp_path):
    """Renaming an actor in the alias table re-keys the body's mentions: its quotes follow."""
    aliases = tmp_path / "aliases.csv"
    aliases.write_text("action,name,target,actor_type\nrename,Graham Rennie,Council Leader Rennie,\n", encoding="utf-8")
    edited = dict(resources, aliases=AliasResource(path=str(aliases)))
    result = dg.materialize(all_assets, resources=edited)
    assert result.success
    assert result.asset_materializations_for_node("quotes")[0].metadata["bodies_read"].value == 1
    conn = duckdb.connect(str(ferry_run[1]), read_only=True)
    speakers = conn.execute("SELECT DISTINCT ac.name FROM quotes q JOIN actors ac USING (actor_id) ORDER BY 1").fetchall()
    # the body read again replaced its quotations, never added to them
    doubled = conn.execute("SELECT (SELECT count(*) - count(DISTINCT content_hash) FROM quote_bodies), "
                           "(SELECT count(*) FROM quote_spans) - (SELECT count(*) FROM (SELECT DISTINCT * FROM quote_spans))").fetchone()
    conn.close()
    assert speakers == [("Council Leader Rennie",), ("Fiona Mackay",), ("Orkney Sound",)]
    assert doubled == (0, 0)


def test_a_copy_of_a_quoted_body_gets_its_quotes(ferry_run, resources, landing):
    """A second file with the same body reads no body again (its quotations are stored by body),
    but `quotes` is rebuilt: the new article's quotations appear under its own id."""
    result, path = ferry_run
    shutil.copy2(FIXTURES / "ferry.txt", landing / "ferry-copy.txt")
    again = dg.materialize(all_assets, resources=resources)
    assert again.success
    meta = again.asset_materializations_for_node("quotes")[0].metadata
    assert meta["bodies_read"].value == 0 and meta["rebuilt"].value is True
    conn = duckdb.connect(str(path), read_only=True)
    per_article = conn.execute("SELECT a.source_path, count(q.quote) FROM articles a LEFT JOIN quotes q USING (article_id) "
                               "GROUP BY 1 ORDER BY 1").fetchall()
    conn.close()
    assert [n for _, n in per_article] == [6, 6]


# The quotes table as one statement over every article builds it: what the rebuild a range of
# articles at a time must give, in the same order.
ONE_STATEMENT_QUOTES = """
SELECT a.article_id, m.actor_id, substring(a.body, q.start_char + 1, q.end_char - q.start_char) AS quote,
       q.start_char, q.end_char, q.kind, q.speaker, q.attribution, q.resolved_by, q.speaker_start, q.speaker_end
FROM quote_spans AS q
JOIN articles AS a ON a.content_hash = q.content_hash
LEFT JOIN (SELECT article_id, start_char, end_char, min(actor_id) AS actor_id FROM actor_mentions
           GROUP BY article_id, start_char, end_char) AS m
  ON m.article_id = a.article_id AND m.start_char = q.speaker_start AND m.end_char = q.speaker_end
ORDER BY a.article_id, q.start_char
"""


def test_quotes_are_rebuilt_a_range_of_articles_at_a_time(ferry_run, resources, landing):
    """`quotes` is rebuilt a range of articles at a time: with ranges of one article, the two
    articles holding the quoted body each get its quotations and their speakers, in the rows and
    order one statement over all articles gives; with nothing changed it is left alone."""
    result, path = ferry_run
    shutil.copy2(FIXTURES / "ferry.txt", landing / "ferry-copy.txt")
    assert dg.materialize(all_assets, resources=resources).success
    with db.write_connection(path) as conn, db.transaction(conn):
        conn.execute("DELETE FROM build_state WHERE name = 'quotes'")
        assert rebuild_quotes(conn, articles_per_statement=1) is True
        assert rebuild_quotes(conn, articles_per_statement=1) is False
        rows = conn.execute("SELECT * FROM quotes").fetchall()
        whole = conn.execute(ONE_STATEMENT_QUOTES).fetchall()
    assert len(rows) == 12 and len({row[0] for row in rows}) == 2
    assert sum(row[1] is not None for row in rows) == 12
    assert rows == whole


def test_the_pending_bodies_asked_for_a_body_at_a_time_are_those_of_one_statement(tmp_path):
    """quotes_pending.sql in content-hash ranges (pending_bodies) finds what one statement over
    every body finds: new bodies, bodies whose mentions changed since they were read (`again`),
    not the bodies read with their current mentions, nor other languages."""
    from datetime import date

    import polars as pl

    from assets.quotes import pending_bodies
    from tests.conftest import store_articles

    with db.write_connection(tmp_path / "w.duckdb") as conn:
        hashes = [f"h{i}" for i in range(6)]
        store_articles(conn, pl.DataFrame({
            "article_id": [f"a{i}" for i in range(6)] + ["copy"], "language": ["en"] * 5 + ["fr", "en"],
            "body": ['"We will stay," Hale said.'] * 7, "content_hash": hashes + ["h0"],
            "published_date": [date(2026, 1, 5)] * 7}))
        conn.execute("INSERT INTO actors (actor_id, name, actor_type) VALUES ('p:hale', 'Ann Hale', 'person')")
        for i in range(6):
            conn.execute("INSERT INTO actor_mentions (article_id, actor_id, start_char, end_char) VALUES (?, 'p:hale', 15, 19)",
                         [f"a{i}"])
        first = pending_bodies(conn, 10**9)
        assert first["content_hash"].to_list() == ["h0", "h1", "h2", "h3", "h4"]  # h5 is French
        assert not any(first["again"])
        # h0, h1 and h2 read with their mentions of now; then h2 gains a mention
        conn.execute("INSERT INTO quote_bodies (content_hash, mentions_key, quotes) "
                     "SELECT content_hash, mentions_key, 1 FROM first WHERE content_hash IN ('h0', 'h1', 'h2')")
        conn.execute("INSERT INTO actor_mentions (article_id, actor_id, start_char, end_char) VALUES ('a2', 'p:hale', 0, 3)")
        whole = pending_bodies(conn, 10**9)
        assert whole.select("content_hash", "again").rows() == [("h2", True), ("h3", False), ("h4", False)]
        assert pending_bodies(conn, 1).rows() == whole.rows()
        assert pending_bodies(conn, 2).rows() == whole.rows()
