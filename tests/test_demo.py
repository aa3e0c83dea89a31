"""The demo landing folder (the seeds plus the articles written for the project in
data/landing/demo/) through the real pipeline: the spike of one actor is alerted, the story
covered only by right-leaning outlets is a blindspot of the left, every outlet is matched, and
every example query answers."""

import shutil
from datetime import date

import dagster as dg
import duckdb
import pytest

from pipelines.definitions import all_assets
from tests.conftest import PROJECT_ROOT, SAMPLE_LANDING


@pytest.fixture(scope="module")
def demo_warehouse(tmp_path_factory):
    from tests.conftest import resources_for

    root = tmp_path_factory.mktemp("demo")
    landing = root / "landing"
    shutil.copytree(SAMPLE_LANDING, landing)
    result = dg.materialize(all_assets, resources=resources_for(root, landing))
    assert result.success
    conn = duckdb.connect(str(root / "warehouse" / "media.duckdb"), read_only=True)
    yield conn
    conn.close()


def test_demo_is_loaded_whole(demo_warehouse):
    conn = demo_warehouse
    assert conn.execute("SELECT count(*) FROM rejected_files").fetchone()[0] == 0
    articles, outlets, first, last = conn.execute(
        "SELECT count(*), count(DISTINCT outlet), min(published_date), max(published_date) FROM articles").fetchone()
    assert articles >= 42 and outlets >= 8 and (last - first).days >= 21
    formats = {row[0] for row in conn.execute("SELECT DISTINCT format FROM articles").fetchall()}
    assert formats >= {"txt", "md", "html", "json", "jsonl", "rss", "atom"}
    assert conn.execute("SELECT count(*) FROM articles WHERE source_path LIKE '%.gz'").fetchone()[0] >= 2


def test_demo_outlets_all_matched(demo_warehouse):
    rows = demo_warehouse.execute("SELECT outlet, matched_by, lean FROM outlets WHERE outlet IS NOT NULL ORDER BY 1").fetchall()
    assert len(rows) >= 10 and all(matched for _, matched, _ in rows), rows
    assert ("capitalobserver.example", "domain", "lean-right") in rows
    assert ("The Northern Ledger", "name", "lean-left") in rows


def test_demo_spike_is_alerted(demo_warehouse):
    alerts = demo_warehouse.execute("SELECT name, day, articles, score FROM actor_alerts ORDER BY score DESC").fetchall()
    assert alerts[0][:3] == ("Elena Varga", date(2025, 11, 20), 10), alerts
    assert all(name != "Elena Varga" or day == date(2025, 11, 20) for name, day, _, _ in alerts)
    share = demo_warehouse.execute("SELECT articles, share_of_articles FROM actor_share "
                                   "WHERE name = 'Elena Varga' AND day = DATE '2025-11-20'").fetchone()
    assert share == (10, 1.0)


def test_demo_blindspot(demo_warehouse):
    spots = demo_warehouse.execute("SELECT s.title, b.blindspot, b.left_articles, b.right_articles "
                                   "FROM story_blindspots AS b JOIN stories AS s USING (story_id) "
                                   "WHERE b.blindspot IS NOT NULL").fetchall()
    assert spots == [("Audit finds Transport Ministry paid Brightline Advisory 14 million without tender", "left", 0, 3)]


def test_example_queries_answer_on_the_demo(demo_warehouse):
    for path in sorted((PROJECT_ROOT / "warehouse" / "queries").glob("*.sql")):
        if path.stem != "rejected":
            assert demo_warehouse.execute(path.read_text()).fetchall(), f"{path.name} returned nothing on the demo"


# Quotations of the demo texts, written for the project, with the speaker each text gives.
DEMO_QUOTES = [
    ("This is a budget for repairs, not for headlines", "Elena Varga", "direct"),
    ("A port that does not move is a cost to everyone", "Daniel Okoro", "direct"),
    ("People are living in hotel rooms with children and no kitchen", "Ruth Callaghan", "direct"),
    ("Nobody wins a tariff war", "Anton Meyer", "direct"),
    ("The figures were wrong and the minister knew it", "Peter Lindgren", "direct"),
    ("Our members have worked short-staffed for two years", "Marta Kowalczyk", "direct"),
    ("the union would meet the mediator", "Marta Kowalczyk", "reported"),
]


@pytest.mark.parametrize("start, speaker, kind", DEMO_QUOTES)
def test_demo_quotes_have_their_speakers(demo_warehouse, start, speaker, kind):
    rows = demo_warehouse.execute(
        "SELECT ac.name, q.kind FROM quotes AS q LEFT JOIN actors AS ac USING (actor_id) WHERE q.quote LIKE ?",
        [start + "%"]).fetchall()
    assert rows and all(row == (speaker, kind) for row in rows), rows
