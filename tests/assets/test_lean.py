"""Coverage by lean and blindspots on a hand-made warehouse, and the lean bar."""

from datetime import date

import dagster as dg
import polars as pl
import pytest

from assets.lean import coverage_by_lean, lean_bar
from pipelines.analytics_resources import OutletsResource
from pipelines.resources import WarehouseResource
from warehouse import db
from tests.conftest import rebuilt_from_scratch, store_articles, table_rows, was_rebuilt

OUTLETS = [("Left Daily", "left"), ("Lean Left Post", "lean-left"), ("Middle Times", "center"),
           ("Right Herald", "lean-right"), ("Far Right Wire", "right"), ("Unrated Blog", None)]
# story -> outlets of its articles
STORIES = {
    "s-both": ["Left Daily", "Middle Times", "Right Herald"],
    "s-right-only": ["Right Herald", "Right Herald", "Far Right Wire", "Middle Times", "Unrated Blog"],
    "s-left-only": ["Left Daily", "Lean Left Post", "Lean Left Post"],
    "s-small": ["Far Right Wire", "Right Herald"],
}


def make_warehouse(path):
    rows = [(f"{story}-{i}", story, outlet) for story, outlets in STORIES.items() for i, outlet in enumerate(outlets)]
    with db.write_connection(path) as conn:
        store_articles(conn, pl.DataFrame({
            "article_id": [r[0] for r in rows], "source_path": [r[0] for r in rows], "record_index": [0] * len(rows),
            "story_id": [r[1] for r in rows], "outlet": [r[2] for r in rows],
            "published_date": [date(2025, 11, 3)] * len(rows), "body": ["b"] * len(rows)}))
        db.insert_frame(conn, "outlets", pl.DataFrame(OUTLETS, orient="row", schema=["outlet", "lean"]))
        db.insert_frame(conn, "story_rows", pl.DataFrame({"story_id": list(STORIES), "title": [s.upper() for s in STORIES]}))
        conn.execute("INSERT INTO actors (actor_id, name, actor_type) VALUES ('okoro', 'Daniel Okoro', 'person')")
        # Okoro: twice in one right-only article (counted once), once in a left-only one
        conn.execute("INSERT INTO actor_mentions (article_id, actor_id, start_char, end_char) VALUES "
                     "('s-right-only-0', 'okoro', 0, 1), ('s-right-only-0', 'okoro', 5, 6), ('s-left-only-1', 'okoro', 0, 1)")
    return path


def test_lean_tables_and_blindspots(tmp_path):
    warehouse = make_warehouse(tmp_path / "w.duckdb")
    resources = {"warehouse": WarehouseResource(path=str(warehouse)), "outlet_table": OutletsResource(blindspot_min_articles=3)}
    assert dg.materialize([coverage_by_lean], resources=resources).success
    with db.read_connection(warehouse) as conn:
        story_lean = conn.execute("SELECT story_id, lean, articles, outlets FROM story_lean "
                                  "WHERE story_id = 's-right-only' ORDER BY lean NULLS LAST").fetchall()
        actor_lean = conn.execute("SELECT actor_id, name, lean, articles, outlets FROM actor_lean ORDER BY lean").fetchall()
        blindspots = conn.execute("SELECT story_id, blindspot, left_articles, center_articles, right_articles, "
                                  "unrated_articles, left_outlets, right_outlets, articles "
                                  "FROM story_blindspots ORDER BY story_id").fetchall()
    assert story_lean == [("s-right-only", "center", 1, 1), ("s-right-only", "lean-right", 2, 1),
                          ("s-right-only", "right", 1, 1), ("s-right-only", None, 1, 1)]
    assert actor_lean == [("okoro", "Daniel Okoro", "lean-left", 1, 1), ("okoro", "Daniel Okoro", "lean-right", 1, 1)]
    assert blindspots == [
        ("s-both", None, 1, 1, 1, 0, 1, 1, 3),
        ("s-left-only", "right", 3, 0, 0, 0, 2, 0, 3),
        ("s-right-only", "left", 0, 1, 3, 1, 0, 2, 5),
        ("s-small", None, 0, 0, 2, 0, 0, 2, 2),   # below the minimum size
    ]
    resources["outlet_table"] = OutletsResource(blindspot_min_articles=2)
    assert dg.materialize([coverage_by_lean], resources=resources).success
    with db.read_connection(warehouse) as conn:
        assert conn.execute("SELECT blindspot FROM story_blindspots WHERE story_id = 's-small'").fetchone() == ("left",)


@pytest.mark.parametrize("left, center, right, bar", [
    (3, 0, 1, "LLLLLLLLLRRR"),
    (0, 0, 5, "RRRRRRRRRRRR"),
    (1, 10, 1, "LCCCCCCCCCCR"),
    (1, 0, 30, "LRRRRRRRRRRR"),
    (0, 0, 0, "············"),
])
def test_lean_bar(left, center, right, bar):
    assert lean_bar(left, center, right) == bar


LEAN_TABLES = ["story_lean", "actor_lean", "story_blindspots"]


def run_lean(path, minimum: int = 3) -> bool:
    result = dg.materialize([coverage_by_lean], resources={"warehouse": WarehouseResource(path=str(path)),
                                                           "outlet_table": OutletsResource(blindspot_min_articles=minimum)})
    assert result.success
    return was_rebuilt(result, "coverage_by_lean")


def test_lean_tables_are_kept_when_nothing_changed(tmp_path):
    warehouse = make_warehouse(tmp_path / "w.duckdb")
    assert run_lean(warehouse) is True
    first = table_rows(warehouse, *LEAN_TABLES)
    assert run_lean(warehouse) is False
    assert table_rows(warehouse, *LEAN_TABLES) == first


@pytest.mark.parametrize("edit, minimum", [
    ("UPDATE outlets SET lean = 'center' WHERE outlet = 'Left Daily'", 3),   # the outlet file edited
    ("UPDATE story_links SET story_id = 's-small' WHERE article_id = 's-both-0'", 3),  # stories changed
    ("UPDATE article_texts SET outlet = 'Left Daily' WHERE article_id = 's-small-0'", 3),
    ("INSERT INTO actor_mentions (article_id, actor_id, start_char, end_char) VALUES ('s-both-1', 'okoro', 0, 1)", 3),
    ("UPDATE actors SET name = 'Dr Daniel Okoro'", 3),
    (None, 2),                                                                # the blindspot minimum
])
def test_lean_tables_follow_every_input(tmp_path, edit, minimum):
    warehouse = make_warehouse(tmp_path / "w.duckdb")
    run_lean(warehouse)
    before = table_rows(warehouse, *LEAN_TABLES)
    if edit:
        with db.write_connection(warehouse) as conn:
            conn.execute(edit)
    assert run_lean(warehouse, minimum) is True
    after = table_rows(warehouse, *LEAN_TABLES)
    assert after != before
    assert after == rebuilt_from_scratch(warehouse, ["lean"], LEAN_TABLES, [minimum, minimum])
