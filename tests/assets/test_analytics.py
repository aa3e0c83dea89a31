"""Timeline and coverage SQL on a small hand-made warehouse, and the sparkline chart."""

from datetime import date

import dagster as dg
import polars as pl
import pytest

from assets.analytics import actor_coverage, actor_timelines, build_coverage, build_timelines, rebuild_timelines, timeline_chart
from assets.preview import frame_markdown, sparkline
from pipelines.resources import WarehouseResource
from warehouse import db
from tests.conftest import rebuilt_from_scratch, store_articles, table_rows, was_rebuilt


def make_warehouse(conn):
    articles = pl.DataFrame({
        "article_id": ["a1", "a2", "a3", "a4"],
        "source_path": ["x1.txt", "x2.txt", "x3.txt", "x4.txt"],
        "record_index": [0, 0, 0, 0],
        "outlet": ["Wire", "Daily", "Wire", None],
        "published_date": [date(2025, 11, 4), date(2025, 11, 4), date(2025, 11, 5), None],
        "body": ["b"] * 4,
        # a2 copies a1: two articles, one unique article
        "dup_group_id": ["g1", "g1", "g3", "g4"],
        "story_id": ["s1", "s1", "s2", "s2"],
    })
    store_articles(conn, articles)
    conn.execute("INSERT INTO actors BY NAME SELECT * FROM (VALUES ('xi', 'Xi Jinping', 'person', ['Xi']), "
                 "('ru', 'Russia', 'place', [])) AS t(actor_id, name, actor_type, aliases)")
    conn.execute("""INSERT INTO actor_mentions (article_id, actor_id, surface, entity_label, start_char, end_char) VALUES
        ('a1', 'xi', 'Xi Jinping', 'PERSON', 0, 10), ('a1', 'xi', 'Xi', 'PERSON', 20, 22),
        ('a2', 'xi', 'Xi', 'PERSON', 0, 2), ('a3', 'xi', 'Xi', 'PERSON', 0, 2),
        ('a4', 'xi', 'Xi', 'PERSON', 0, 2), ('a3', 'ru', 'Russia', 'GPE', 5, 11)""")


def test_timelines_rebuilt_an_actor_range_at_a_time_equal_one_statement(tmp_path):
    """`actor_timelines` is rebuilt a range of actors at a time (about N mentions each): with
    ranges of one mention (so one actor each), the same rows as one statement over all."""
    with db.write_connection(tmp_path / "w.duckdb") as conn:
        make_warehouse(conn)
        assert len(conn.execute(db.read_sql("actor_mention_ranges"), [1]).fetchall()) > 1
        assert rebuild_timelines(conn, 10**9)
        whole = conn.execute("SELECT * FROM actor_timelines").fetchall()
        conn.execute("DELETE FROM build_state WHERE name = 'actor_timelines'")
        assert rebuild_timelines(conn, 1)
        assert conn.execute("SELECT * FROM actor_timelines").fetchall() == whole and whole
        # actor_coverage the same way: one statement, or an actor at a time
        build_coverage(conn, 10**9)
        whole = conn.execute("SELECT * FROM actor_coverage ORDER BY actor_id").fetchall()
        build_coverage(conn, 1)
        assert conn.execute("SELECT * FROM actor_coverage ORDER BY actor_id").fetchall() == whole and whole


def test_timelines_and_coverage(tmp_path):
    with db.write_connection(tmp_path / "w.duckdb") as conn:
        make_warehouse(conn)
        rebuild_timelines(conn, 1)
        build_coverage(conn, 1)
        timelines = conn.execute("SELECT actor_id, day, mentions, articles, unique_articles, stories, outlets "
                                 "FROM actor_timelines ORDER BY actor_id, day").fetchall()
        coverage = conn.execute("SELECT actor_id, name, actor_type, mentions, articles, unique_articles, stories, "
                                "outlets, first_seen, last_seen FROM actor_coverage ORDER BY actor_id").fetchall()
    assert timelines == [
        ("ru", date(2025, 11, 5), 1, 1, 1, 1, 1),
        ("xi", date(2025, 11, 4), 3, 2, 1, 1, 2),
        ("xi", date(2025, 11, 5), 1, 1, 1, 1, 1),
    ]
    assert coverage == [
        ("ru", "Russia", "place", 1, 1, 1, 1, 1, date(2025, 11, 5), date(2025, 11, 5)),
        ("xi", "Xi Jinping", "person", 5, 4, 3, 2, 2, date(2025, 11, 4), date(2025, 11, 5)),
    ]


def test_sparkline_scales_to_the_highest_value():
    assert sparkline([0, 1, 2, 4]) == "▁▃▅█"
    assert sparkline([0, 0]) == "▁▁"
    assert sparkline([]) == ""


def test_timeline_chart_fills_missing_days_with_zero():
    timelines = pl.DataFrame({"actor_id": ["xi", "xi"], "day": [date(2025, 11, 1), date(2025, 11, 3)], "articles": [4, 2]})
    coverage = pl.DataFrame({"actor_id": ["xi"], "name": ["Xi Jinping"], "articles": [6], "mentions": [9]})
    chart = timeline_chart(timelines, coverage, days=3)
    assert chart.splitlines()[2] == "| Xi Jinping | 6 | █▁▅ |"


def test_frame_markdown_escapes_and_cuts_cells():
    frame = pl.DataFrame({"title": ["a|b", "x" * 10]})
    assert frame_markdown(frame, max_chars=5).splitlines() == ["| title |", "|---|", "| a\\|b |", "| xxxx… |"]


COUNT_TABLES = ["actor_timelines", "actor_coverage"]


def run_counts(path):
    result = dg.materialize([actor_timelines, actor_coverage], resources={"warehouse": WarehouseResource(path=str(path))})
    assert result.success
    return {name: was_rebuilt(result, name) for name in COUNT_TABLES}


def test_counts_are_kept_when_nothing_changed(tmp_path):
    path = tmp_path / "w.duckdb"
    with db.write_connection(path) as conn:
        make_warehouse(conn)
    assert run_counts(path) == {"actor_timelines": True, "actor_coverage": True}
    first = table_rows(path, *COUNT_TABLES)
    with db.write_connection(path) as conn:
        # Not rebuilt: a row removed behind the pipeline's back stays removed.
        conn.execute("DELETE FROM actor_coverage WHERE actor_id = 'ru'")
    assert run_counts(path) == {"actor_timelines": False, "actor_coverage": False}
    assert table_rows(path, "actor_timelines") == {"actor_timelines": first["actor_timelines"]}
    assert len(table_rows(path, "actor_coverage")["actor_coverage"]) == 1


@pytest.mark.parametrize("edit", [
    # a mention re-resolved to another actor (an alias edit)
    "UPDATE actor_mentions SET actor_id = 'ru' WHERE article_id = 'a2'",
    # a new mention in a stored article
    "INSERT INTO actor_mentions (article_id, actor_id, start_char, end_char) VALUES ('a4', 'ru', 9, 15)",
    "UPDATE actors SET name = 'President Xi' WHERE actor_id = 'xi'",
    "UPDATE actors SET actor_type = 'organization' WHERE actor_id = 'ru'",
    # the stories step put a2 in a story of its own (story_links)
    "UPDATE story_links SET story_id = 's9' WHERE article_id = 'a2'",
    # dedup found a3 a copy of a1
    "UPDATE article_signatures SET dup_group_id = 'g1' WHERE article_id = 'a3'",
    "UPDATE article_texts SET published_date = DATE '2025-11-06' WHERE article_id = 'a4'",
    "UPDATE article_texts SET outlet = 'Wire' WHERE article_id = 'a2'",
])
def test_counts_follow_every_input(tmp_path, edit):
    path = tmp_path / "w.duckdb"
    with db.write_connection(path) as conn:
        make_warehouse(conn)
    run_counts(path)
    before = table_rows(path, *COUNT_TABLES)
    with db.write_connection(path) as conn:
        conn.execute(edit)
    assert run_counts(path) == {"actor_timelines": True, "actor_coverage": True}
    after = table_rows(path, *COUNT_TABLES)
    assert after != before
    assert after == rebuilt_from_scratch(path, [build_timelines, build_coverage], COUNT_TABLES)
