"""actor_share and actor_alerts on small hand-made warehouses, the Poisson score, and alert
delivery to a folder and to a real local HTTP server."""

import json
import threading
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import dagster as dg
import polars as pl
import pytest

from assets.attention import (ALERT_COLUMNS, MIN_HISTORY_DAYS, MIN_RATIO, PRIOR_ARTICLES, WINDOW_DAYS, actor_alerts,
                              actor_share, poisson_score, score_alerts)
from assets.analytics import rebuild_timelines
from pipelines.analytics_resources import AlertsResource
from pipelines.resources import WarehouseResource
from warehouse import db
from tests.conftest import store_articles, table_rows, was_rebuilt

NOV = date(2025, 11, 1)


def add_articles(conn, rows):
    """rows: (article_id, published_date, [actor_id, ...] one per mention[, dup_group_id])."""
    store_articles(conn, pl.DataFrame({
        "article_id": [r[0] for r in rows], "source_path": [r[0] + ".txt" for r in rows],
        "record_index": [0] * len(rows), "published_date": [r[1] for r in rows], "body": ["b"] * len(rows),
        "dup_group_id": [r[3] if len(r) > 3 else None for r in rows],
    }, schema_overrides={"published_date": pl.Date, "dup_group_id": pl.String}))
    mentions = [(r[0], actor, "x", "PERSON", i, i + 1) for r in rows for i, actor in enumerate(r[2])]
    if mentions:
        db.insert_frame(conn, "actor_mentions", pl.DataFrame(mentions, orient="row", schema=[
            "article_id", "actor_id", "surface", "entity_label", "start_char", "end_char"]))


def add_actors(conn, actors):
    db.insert_frame(conn, "actors", pl.DataFrame(actors, orient="row", schema=["actor_id", "name", "actor_type"]))


def test_actor_share_is_zero_filled_with_shares(tmp_path):
    with db.write_connection(tmp_path / "w.duckdb") as conn:
        add_actors(conn, [("xi", "Xi Jinping", "person"), ("li", "Li Qiang", "person"), ("ru", "Russia", "place")])
        # a2 is a copy of a1 (one duplicate group): two articles, one unique article that day
        add_articles(conn, [("a1", NOV, ["xi", "xi", "ru"], "g1"), ("a2", NOV, ["li"], "g1"),
                            ("a3", NOV + timedelta(2), ["xi", "li"]), ("a4", None, ["xi"])])
        rebuild_timelines(conn, 1)
        conn.execute(db.read_sql("actor_share"))
        rows = conn.execute("SELECT actor_id, day, articles, mentions, all_articles, type_mentions, "
                            "unique_articles, all_unique_articles, "
                            "round(share_of_articles, 4), round(share_of_voice, 4) FROM actor_share ORDER BY 1, 2").fetchall()
    d1, d2, d3 = NOV, NOV + timedelta(1), NOV + timedelta(2)
    assert rows == [
        ("li", d1, 1, 1, 2, 3, 1, 1, 0.5, 0.3333),
        ("li", d2, 0, 0, 0, 0, 0, 0, 0.0, 0.0),
        ("li", d3, 1, 1, 1, 2, 1, 1, 1.0, 0.5),
        ("ru", d1, 1, 1, 2, 1, 1, 1, 0.5, 1.0),
        ("xi", d1, 1, 2, 2, 3, 1, 1, 0.5, 0.6667),
        ("xi", d2, 0, 0, 0, 0, 0, 0, 0.0, 0.0),
        ("xi", d3, 1, 1, 1, 2, 1, 1, 1.0, 0.5),
    ]


@pytest.mark.parametrize("articles, baseline, score", [
    (3, 0.1, 3.811),    # three articles where a tenth of one was expected
    (30, 10.0, 6.6),    # thirty against ten
    (3, 1.0, 1.095),    # the same small counts against one expected: no alert
    (1, 0.0001, 4.0),
])
def test_poisson_score(articles, baseline, score):
    assert round(poisson_score(articles, baseline), 3) == score


def alert_rows():
    """Nov 1-20: two articles a day mentioning the filler actor `f`; `x` in one article on
    Nov 3 and Nov 10, then in six more on Nov 20 (a spike); `n` new on Nov 15 in three
    articles; `y` in two on Nov 12 (too few); `z` in three on Nov 4 (too early in the record);
    `c` on Nov 17 in four copies of one wire story (one duplicate group: one article)."""
    rows = []
    for day in range(20):
        rows += [(f"f{day}-{i}", NOV + timedelta(day), ["f"]) for i in range(2)]
    rows += [("x1", NOV + timedelta(2), ["x"]), ("x2", NOV + timedelta(9), ["x"])]
    rows += [(f"xs{i}", NOV + timedelta(19), ["x", "x"]) for i in range(6)]
    rows += [(f"n{i}", NOV + timedelta(14), ["n"]) for i in range(3)]
    rows += [(f"y{i}", NOV + timedelta(11), ["y"]) for i in range(2)]
    rows += [(f"z{i}", NOV + timedelta(3), ["z"]) for i in range(3)]
    rows += [(f"c{i}", NOV + timedelta(16), ["c"], "wire-1") for i in range(4)]
    return rows


def alert_warehouse(path):
    with db.write_connection(path) as conn:
        add_actors(conn, [(a, a.upper(), "person") for a in "fxnyzc"])
        add_articles(conn, alert_rows())
        rebuild_timelines(conn, 1)
    return path


def test_alerts_on_a_spike_and_a_newcomer_only(tmp_path):
    with db.write_connection(alert_warehouse(tmp_path / "w.duckdb")) as conn:
        candidates = conn.execute(db.read_sql("actor_alert_candidates"), {
            "min_articles": 3, "min_ratio": 3.0, "window_days": 28, "prior_articles": 0.5, "min_history_days": 7}).pl()
    alerts = score_alerts(candidates, min_score=4.0)
    # x on Nov 20: in 2 of the 49 unique articles of Nov 1-19 (the four copies of Nov 17 are
    # one), so (2 + 0.5) / 50 of that day's 8 expected.
    # n on Nov 15: new, so 0.5 / 36 of that day's 5 articles (35 articles on Nov 1-14).
    assert alerts.select("actor_id", "day", "articles", "baseline", "score", "day_articles", "window_articles",
                         "window_all_articles", "new_actor").rows() == [
        ("n", NOV + timedelta(14), 3, 0.0694, 4.276, 5, 0, 35, True),
        ("x", NOV + timedelta(19), 6, 0.4, 5.393, 8, 2, 49, False),
    ]
    assert alerts["reason"][1] == ("X was in 6 of 8 articles on 2025-11-20 (about 0.4 expected from 2 of 49 articles "
                                   "in the previous 28 days); chance of that many by luck: 1 in 2.47e+05.")
    assert alerts["reason"][0].startswith("N was in 3 of 5 articles on 2025-11-15 (first mention in the 28-day record;")


class Hook(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Hook.received.append((self.headers["Content-Type"], json.loads(body)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_alerts_asset_delivers_new_alerts_once_and_warns(tmp_path):
    warehouse = alert_warehouse(tmp_path / "w.duckdb")
    server = HTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Hook.received = []
    try:
        resources = {"warehouse": WarehouseResource(path=str(warehouse)),
                     "alerts": AlertsResource(folder=str(tmp_path / "alerts"),
                                              webhook_url=f"http://127.0.0.1:{server.server_port}/hook")}
        first = dg.materialize([actor_alerts], resources=resources)
        second = dg.materialize([actor_alerts], resources=resources)
    finally:
        server.shutdown()
        thread.join()
    assert first.success and second.success
    # Only the alert on the latest days (Nov 19-20) is news; the Nov 15 one is history.
    assert len(Hook.received) == 1, "delivered once, not again on the second run"
    content_type, payload = Hook.received[0]
    assert content_type == "application/json"
    assert [(a["actor_id"], a["day"], a["articles"]) for a in payload["alerts"]] == [("x", "2025-11-20", 6)]
    files = sorted((tmp_path / "alerts").glob("alerts-*.json"))
    assert len(files) == 1
    assert [a["actor_id"] for a in json.loads(files[0].read_text())["alerts"]] == ["x"]
    check = first.get_asset_check_evaluations()[0]
    assert (check.check_name, check.passed, check.severity) == ("no_alerts_on_latest_day", False, dg.AssetCheckSeverity.WARN)
    with db.read_connection(warehouse) as conn:
        assert conn.execute("SELECT actor_id, day FROM actor_alerts ORDER BY day").fetchall() == [
            ("n", NOV + timedelta(14)), ("x", NOV + timedelta(19))]


def test_unreachable_webhook_does_not_fail_the_run(tmp_path):
    warehouse = alert_warehouse(tmp_path / "w.duckdb")
    server = HTTPServer(("127.0.0.1", 0), Hook)
    port = server.server_port
    server.server_close()  # nothing listens there now
    resources = {"warehouse": WarehouseResource(path=str(warehouse)),
                 "alerts": AlertsResource(webhook_url=f"http://127.0.0.1:{port}/hook")}
    result = dg.materialize([actor_alerts], resources=resources)
    assert result.success
    with db.read_connection(warehouse) as conn:
        assert conn.execute("SELECT count(*) FROM alert_deliveries").fetchone()[0] == 0, "retried on the next run"


def test_actor_share_asset(tmp_path):
    warehouse = alert_warehouse(tmp_path / "w.duckdb")
    result = dg.materialize([actor_share], resources={"warehouse": WarehouseResource(path=str(warehouse))})
    assert result.success
    with db.read_connection(warehouse) as conn:
        # f every day of Nov 1-20, x Nov 3-20, n, y, z and c one day each
        assert conn.execute("SELECT count(*) FROM actor_share").fetchone()[0] == 20 + 18 + 4
    materialization = result.asset_materializations_for_node("actor_share")[0]
    assert materialization.metadata["rows"].value == 20 + 18 + 4


def run_alerts(path, alerts: AlertsResource):
    result = dg.materialize([actor_alerts], resources={"warehouse": WarehouseResource(path=str(path)), "alerts": alerts})
    assert result.success
    return result


def alerts_from_scratch(path, alerts: AlertsResource) -> list[tuple]:
    params = {"min_articles": alerts.min_articles, "min_ratio": MIN_RATIO, "window_days": WINDOW_DAYS,
              "prior_articles": PRIOR_ARTICLES, "min_history_days": MIN_HISTORY_DAYS}
    with db.read_connection(path) as conn:
        candidates = conn.execute(db.read_sql("actor_alert_candidates"), params).pl()
    return sorted(score_alerts(candidates, alerts.min_score).select(ALERT_COLUMNS).rows(), key=repr)


def test_alerts_are_kept_when_nothing_changed_and_still_delivered(tmp_path):
    path = alert_warehouse(tmp_path / "w.duckdb")
    first = run_alerts(path, AlertsResource())
    assert was_rebuilt(first, "actor_alerts") is True
    stored = table_rows(path, "actor_alerts")
    # Nothing new: not scored again, yet the check and a newly set folder see the stored alerts.
    second = run_alerts(path, AlertsResource(folder=str(tmp_path / "alerts")))
    assert was_rebuilt(second, "actor_alerts") is False
    assert table_rows(path, "actor_alerts") == stored
    assert second.asset_materializations_for_node("actor_alerts")[0].metadata["alerts"].value == 2
    check = second.get_asset_check_evaluations()[0]
    assert (check.passed, check.metadata["alerts"].value) == (False, 1)
    files = sorted((tmp_path / "alerts").glob("alerts-*.json"))
    assert [a["actor_id"] for a in json.loads(files[0].read_text())["alerts"]] == ["x"]
    assert first.asset_materializations_for_node("actor_alerts")[0].metadata["recent_alerts"] == \
        second.asset_materializations_for_node("actor_alerts")[0].metadata["recent_alerts"]


@pytest.mark.parametrize("rows, edit, settings", [
    ([("xs9", NOV + timedelta(19), ["x"])], None, {}),      # one more article in x's spike
    ([("quiet", NOV + timedelta(19), [])], None, {}),        # an article without actors: the day's total
    ([], "UPDATE actors SET name = 'Ex' WHERE actor_id = 'x'", {}),
    ([], "UPDATE article_signatures SET dup_group_id = 'x-wire' WHERE article_id IN ('xs0', 'xs1', 'xs2')", {}),
    ([], None, {"min_score": 5.0}),
    ([], None, {"min_articles": 4}),
])
def test_alerts_follow_every_input(tmp_path, rows, edit, settings):
    path = alert_warehouse(tmp_path / "w.duckdb")
    run_alerts(path, AlertsResource())
    before = table_rows(path, "actor_alerts")
    with db.write_connection(path) as conn:
        add_articles(conn, rows)
        if edit:
            conn.execute(edit)
        rebuild_timelines(conn, 1)  # as the actor_timelines step would
    alerts = AlertsResource(**settings)
    assert was_rebuilt(run_alerts(path, alerts), "actor_alerts") is True
    after = table_rows(path, "actor_alerts")["actor_alerts"]
    assert after != before["actor_alerts"]
    assert after == alerts_from_scratch(path, alerts)


def test_actor_share_view_is_created_once_and_again_when_dropped(tmp_path):
    warehouse = alert_warehouse(tmp_path / "w.duckdb")
    resources = {"warehouse": WarehouseResource(path=str(warehouse))}
    runs = [dg.materialize([actor_share], resources=resources) for _ in range(2)]
    assert [was_rebuilt(r, "actor_share") for r in runs] == [True, False]
    with db.write_connection(warehouse) as conn:
        conn.execute("DROP VIEW actor_share")
    assert was_rebuilt(dg.materialize([actor_share], resources=resources), "actor_share") is True
    with db.read_connection(warehouse) as conn:
        assert conn.execute("SELECT count(*) FROM actor_share").fetchone()[0] == 20 + 18 + 4
