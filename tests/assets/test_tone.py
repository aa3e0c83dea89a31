"""Sentence rule, VADER scores and the per-mention tone frame; actor_tone SQL on a hand-made
warehouse."""

from datetime import date

import dagster as dg
import polars as pl
import pytest

from assets.tone import TONE_PART_MENTIONS, actor_tone, mention_tones, sentence_around, sentence_spans, sentence_tone, tone_label
from pipelines.resources import WarehouseResource
from warehouse import db
from tests.conftest import rebuilt_from_scratch, store_articles, table_rows, was_rebuilt

BODY = (
    "Harbour talks stall\n"
    "DOVER - Mr. Hale praised the U.S. delegation. \"It was a disaster,\" he said. Talks failed!\n"
    "The minister's plan, which many backed,\n"
    "was dropped on Friday.\n\n"
    "\"Is it over?\" she asked. Dr. J. Ortiz left at 5 p.m. on Friday."
)


def build_actor_tone(conn, mentions_per_statement: int = TONE_PART_MENTIONS) -> None:
    db.build_in_ranges(conn, "actor_tone", "actor_mention_ranges", mentions_per_statement)


def rebuild_actor_tone(conn, mentions_per_statement: int) -> bool:
    return db.rebuild_in_ranges(conn, "actor_tone", "actor_tone_inputs", "actor_mention_ranges", mentions_per_statement)


def texts(body, spans):
    return [body[s:e] for s, e in spans]


def test_sentence_spans_follow_the_documented_rule():
    assert texts(BODY, sentence_spans(BODY)) == [
        "Harbour talks stall",
        "DOVER - Mr. Hale praised the U.S. delegation.",
        "\"It was a disaster,\" he said.",
        "Talks failed!",
        "The minister's plan, which many backed,\nwas dropped on Friday.",
        "\"Is it over?\" she asked.",
        "Dr. J. Ortiz left at 5 p.m. on Friday.",
    ]


@pytest.mark.parametrize("body, expected", [
    ("", []),
    ("   \n\n  ", []),
    ("No full stop at the end", ["No full stop at the end"]),
    ("Prices rose 4.5 percent. Traders were calm.", ["Prices rose 4.5 percent.", "Traders were calm."]),
    ("He left (quietly.) Then she spoke.", ["He left (quietly.)", "Then she spoke."]),
])
def test_sentence_spans_edge_cases(body, expected):
    assert texts(body, sentence_spans(body)) == expected


def test_sentence_around_finds_the_sentence_and_joins_a_crossing_mention():
    spans = sentence_spans(BODY)
    hale = BODY.index("Hale")
    assert BODY[slice(*sentence_around(spans, hale, hale + 4))] == "DOVER - Mr. Hale praised the U.S. delegation."
    # A span running over a cut takes both sentences.
    start, end = BODY.index("delegation"), BODY.index("It was") + 2
    assert sentence_around(spans, start, end) == (spans[1][0], spans[2][1])


@pytest.mark.parametrize("sentence, tone, label", [
    ("The minister praised the excellent agreement.", 0.8779, "positive"),
    ("Protesters condemned the brutal crackdown.", -0.836, "negative"),
    ("The meeting took place on Tuesday.", 0.0, "neutral"),
    ("The talks were not a success.", -0.4585, "negative"),
])
def test_sentence_tone_is_vader_compound(sentence, tone, label):
    assert sentence_tone(sentence) == tone
    assert tone_label(sentence_tone(sentence)) == label


def test_mention_tones_scores_each_mention_once_by_its_sentence():
    body = "Hale praised the excellent agreement. Ortiz condemned the brutal crackdown."
    bodies = pl.DataFrame({"content_hash": ["h1", "h2"], "body": [body, None]})
    mentions = pl.DataFrame({
        "content_hash": ["h1", "h1", "h1", "h2"],
        "start_char": [0, 38, 0, 0], "end_char": [4, 43, 4, 3],  # a duplicate, and a body without text
    })
    assert mention_tones(bodies, mentions).rows() == [
        ("h1", 0, 4, 0.8779, 0, 37),
        ("h1", 38, 43, -0.7906, 38, 75),
    ]


def tone_warehouse(conn):
    store_articles(conn, pl.DataFrame({
        "article_id": ["a1", "a2", "a3"], "source_path": ["1", "2", "3"], "record_index": [0, 0, 0],
        "published_date": [date(2026, 1, 5), date(2026, 1, 5), None],
        "content_hash": ["h1", "h1", "h3"], "body": ["b", "b", "b"],
    }))
    conn.execute("INSERT INTO actors (actor_id, name, actor_type) VALUES ('p:hale', 'Ann Hale', 'person')")
    conn.execute("""INSERT INTO actor_mentions (article_id, actor_id, start_char, end_char) VALUES
        ('a1', 'p:hale', 0, 4), ('a1', 'p:hale', 10, 14), ('a2', 'p:hale', 0, 4), ('a3', 'p:hale', 0, 4),
        ('a1', 'p:hale', 50, 54)""")  # the last has no tone row: not counted
    conn.execute("""INSERT INTO mention_tones (content_hash, start_char, end_char, tone) VALUES
        ('h1', 0, 4, 0.6), ('h1', 10, 14, -0.3), ('h3', 0, 4, -0.9)""")


def test_actor_tone_means_per_actor_and_day(tmp_path):
    with db.write_connection(tmp_path / "w.duckdb") as conn:
        tone_warehouse(conn)
        build_actor_tone(conn)
        rows = conn.execute("SELECT actor_id, name, day, mentions, articles, tone, positive, negative FROM actor_tone").fetchall()
    assert rows == [("p:hale", "Ann Hale", date(2026, 1, 5), 3, 2, 0.3, 2, 1)]


def run_actor_tone(path) -> bool:
    result = dg.materialize([actor_tone], resources={"warehouse": WarehouseResource(path=str(path))})
    assert result.success
    return was_rebuilt(result, "actor_tone")


def test_actor_tone_is_kept_when_nothing_changed(tmp_path):
    path = tmp_path / "w.duckdb"
    with db.write_connection(path) as conn:
        tone_warehouse(conn)
    assert run_actor_tone(path) is True
    first = table_rows(path, "actor_tone")
    assert run_actor_tone(path) is False
    assert table_rows(path, "actor_tone") == first


@pytest.mark.parametrize("edit", [
    "UPDATE mention_tones SET tone = 0.9 WHERE start_char = 10",  # a sentence scored again
    "INSERT INTO mention_tones (content_hash, start_char, end_char, tone) VALUES ('h1', 50, 54, 0.2)",
    "UPDATE actor_mentions SET actor_id = 'p:other' WHERE start_char = 10",
    "UPDATE actors SET name = 'Dr Ann Hale'",
    "UPDATE article_texts SET published_date = DATE '2026-01-06' WHERE article_id = 'a2'",
    "UPDATE article_texts SET published_date = DATE '2026-01-06' WHERE article_id = 'a3'",
    "UPDATE article_texts SET content_hash = 'h3' WHERE article_id = 'a2'",  # a new body
])
def test_actor_tone_follows_every_input(tmp_path, edit):
    path = tmp_path / "w.duckdb"
    with db.write_connection(path) as conn:
        tone_warehouse(conn)
        conn.execute("INSERT INTO actors (actor_id, name, actor_type) VALUES ('p:other', 'Other', 'person')")
    run_actor_tone(path)
    before = table_rows(path, "actor_tone")
    with db.write_connection(path) as conn:
        conn.execute(edit)
    assert run_actor_tone(path) is True
    after = table_rows(path, "actor_tone")
    assert after != before
    assert after == rebuilt_from_scratch(path, [build_actor_tone], ["actor_tone"])


def test_mention_tone_rescores_a_body_that_gained_a_mention_without_doubling(tmp_path):
    """A body scored before that gains a mention (actors resolved it again) is scored again,
    its old scores replaced; a new body is scored beside it; nothing is stored twice."""
    from assets.tone import mention_tone

    path = tmp_path / "w.duckdb"
    with db.write_connection(path) as conn:
        store_articles(conn, pl.DataFrame({
            "article_id": ["a1", "a2"], "language": ["en", "en"], "body": [BODY, "Mr. Hale left. It rained."],
            "content_hash": ["h1", "h2"], "published_date": [date(2026, 1, 5)] * 2}))
        conn.execute("INSERT INTO actors (actor_id, name, actor_type) VALUES ('p:hale', 'Ann Hale', 'person')")
        start = BODY.index("Hale")
        conn.execute("INSERT INTO actor_mentions (article_id, actor_id, start_char, end_char) VALUES (?, 'p:hale', ?, ?)",
                     ["a1", start, start + 4])
        # the body was scored before with a stale value for that mention
        conn.execute("INSERT INTO mention_tones (content_hash, start_char, end_char, tone) VALUES ('h1', ?, ?, 0.123)",
                     [start, start + 4])
        later = BODY.index("Ortiz")
        conn.execute("INSERT INTO actor_mentions (article_id, actor_id, start_char, end_char) VALUES "
                     "('a1', 'p:hale', ?, ?), ('a2', 'p:hale', 4, 8)", [later, later + 5])
    result = dg.materialize([mention_tone], resources={"warehouse": WarehouseResource(path=str(path))})
    assert result.success
    with db.read_connection(path) as conn:
        rows = conn.execute("SELECT content_hash, start_char, count(*), any_value(tone) FROM mention_tones "
                            "GROUP BY ALL ORDER BY ALL").fetchall()
    assert [(h, s, n) for h, s, n, _ in rows] == [("h1", start, 1), ("h1", later, 1), ("h2", 4, 1)]
    # the old body's first mention was scored again from its sentence, not kept
    first, last = sentence_around(sentence_spans(BODY), start, start + 4)
    assert rows[0][3] == pytest.approx(sentence_tone(BODY[first:last]))
    assert rows[0][3] != 0.123


def test_the_pending_bodies_asked_for_a_body_at_a_time_are_those_of_one_statement(tmp_path):
    """tone_pending.sql in content-hash ranges (pending_bodies) finds what one statement over
    every body finds: new bodies, bodies with a mention not scored yet, not the scored ones."""
    from assets.tone import pending_bodies

    with db.write_connection(tmp_path / "w.duckdb") as conn:
        hashes = [f"h{i}" for i in range(6)]
        store_articles(conn, pl.DataFrame({
            "article_id": [f"a{i}" for i in range(6)] + ["copy"], "language": ["en"] * 5 + ["fr", "en"],
            "body": ["Mr. Hale left. It rained."] * 7, "content_hash": hashes + ["h0"],
            "published_date": [date(2026, 1, 5)] * 7}))
        conn.execute("INSERT INTO actors (actor_id, name, actor_type) VALUES ('p:hale', 'Ann Hale', 'person')")
        for i in range(6):
            conn.execute("INSERT INTO actor_mentions (article_id, actor_id, start_char, end_char) VALUES (?, 'p:hale', 4, 8)",
                         [f"a{i}"])
        conn.execute("INSERT INTO actor_mentions (article_id, actor_id, start_char, end_char) VALUES ('copy', 'p:hale', 0, 3)")
        # h1 scored whole, h2 scored but for a mention added later, h0 scored for a1's mention only
        conn.executemany("INSERT INTO mention_tones (content_hash, start_char, end_char, tone) VALUES (?, 4, 8, 0.5)",
                         [["h0"], ["h1"], ["h2"]])
        conn.execute("INSERT INTO actor_mentions (article_id, actor_id, start_char, end_char) VALUES ('a2', 'p:hale', 15, 17)")
        whole = pending_bodies(conn, 10**9)
        assert whole.rows() == [("h0", True), ("h2", True), ("h3", False), ("h4", False)]  # h5 is French
        assert pending_bodies(conn, 1).rows() == whole.rows()
        assert pending_bodies(conn, 2).rows() == whole.rows()


def test_actor_tone_rebuilt_an_actor_range_at_a_time_equals_one_statement(tmp_path):
    """`actor_tone` is rebuilt a range of actors at a time (about N mentions each): with ranges
    of one mention, the same rows, in the same order, as one statement over every actor."""
    with db.write_connection(tmp_path / "w.duckdb") as conn:
        tone_warehouse(conn)
        conn.execute("INSERT INTO actors (actor_id, name, actor_type) VALUES ('p:other', 'Other', 'person')")
        conn.execute("INSERT INTO actor_mentions (article_id, actor_id, start_char, end_char) "
                     "SELECT article_id, 'p:other', start_char, end_char FROM actor_mentions")
        assert len(conn.execute(db.read_sql("actor_mention_ranges"), [1]).fetchall()) == 2  # an actor a range
        assert rebuild_actor_tone(conn, 10**9)
        whole = conn.execute("SELECT * FROM actor_tone").fetchall()
        conn.execute("DELETE FROM build_state WHERE name = 'actor_tone'")
        assert rebuild_actor_tone(conn, 1)
        assert conn.execute("SELECT * FROM actor_tone").fetchall() == whole
        assert {row[0] for row in whole} == {"p:hale", "p:other"}
