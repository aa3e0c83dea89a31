"""The outlet file: reading and validating it, and matching articles' outlets by name variant
or domain; then the asset on a real warehouse, re-run after an edit of the file."""

from datetime import date

import dagster as dg
import polars as pl
import pytest

from assets.outlets import host_of, match_outlets, observed_outlets, outlets, read_outlet_table
from pipelines.analytics_resources import OutletsResource
from pipelines.resources import WarehouseResource
from warehouse import db
from tests.conftest import store_articles, table_rows, was_rebuilt

OUTLET_FILE = """# a comment
outlet,variants,domains,country,language,lean,kind
Northern Ledger,The Northern Ledger|N. Ledger,northernledger.example,gb,EN,Lean-Left,national
Harbour Wire,,harbourwire.example|hw.example,NL,en,center,wire
Blog Of Nobody,,,,,,
"""


def write_file(tmp_path, text=OUTLET_FILE):
    path = tmp_path / "outlets.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_read_outlet_table_normalises_values(tmp_path):
    table = read_outlet_table(write_file(tmp_path))
    assert table.rows() == [
        ("Northern Ledger", "The Northern Ledger|N. Ledger", "northernledger.example", "GB", "en", "lean-left", "national"),
        ("Harbour Wire", None, "harbourwire.example|hw.example", "NL", "en", "center", "wire"),
        ("Blog Of Nobody", None, None, None, None, None, None),
    ]
    assert read_outlet_table(tmp_path / "missing.csv").height == 0


@pytest.mark.parametrize("row", [
    "X,,,GB,en,far-left,national",     # lean not allowed
    "X,,,GB,en,left,newspaper",        # kind not allowed
    "X,,,GBR,en,left,national",        # country not alpha-2
])
def test_read_outlet_table_refuses_bad_rows(tmp_path, row):
    with pytest.raises(ValueError, match="outlet table"):
        read_outlet_table(write_file(tmp_path, "outlet,variants,domains,country,language,lean,kind\n" + row + "\n"))


@pytest.mark.parametrize("text, host", [
    ("https://www.news.example/a/b?c=1", "news.example"),
    ("harbourwire.example", "harbourwire.example"),
    ("Harbour Wire", None),
    (None, None),
])
def test_host_of(text, host):
    assert host_of(text) == host


def test_match_outlets_by_variant_then_domain(tmp_path):
    table = read_outlet_table(write_file(tmp_path))
    observed = pl.DataFrame({
        "outlet": ["the northern ledger", "N Ledger", "www.hw.example", "Harbour Service", "Unknown Daily"],
        "host": [None, None, None, "live.harbourwire.example", "unknown.example"],
        "articles": [3, 1, 2, 4, 5],
    })
    matched = match_outlets(table, observed)
    assert matched.select("outlet", "name", "domain", "country", "lean", "kind", "matched_by", "articles").rows() == [
        ("Harbour Service", "Harbour Wire", "harbourwire.example", "NL", "center", "wire", "domain", 4),
        ("N Ledger", "Northern Ledger", "northernledger.example", "GB", "lean-left", "national", "name", 1),
        ("Unknown Daily", None, "unknown.example", None, None, None, None, 5),
        ("the northern ledger", "Northern Ledger", "northernledger.example", "GB", "lean-left", "national", "name", 3),
        ("www.hw.example", "Harbour Wire", "harbourwire.example", "NL", "center", "wire", "domain", 2),
    ]


def test_observed_outlets_takes_the_commonest_host():
    grouped = pl.DataFrame({"outlet": ["A", "A", "A", "B"], "host": ["a.example", "b.example", None, None],
                            "articles": [2, 1, 4, 1]})
    assert observed_outlets(grouped).rows() == [("A", 7, "a.example"), ("B", 1, None)]


def outlets_warehouse(warehouse):
    with db.write_connection(warehouse) as conn:
        store_articles(conn, pl.DataFrame({
            "article_id": ["a1", "a2", "a3"], "source_path": ["1.txt", "2.txt", "3.txt"], "record_index": [0, 0, 0],
            "outlet": ["Northern Ledger", "harbourwire.example", None],
            "url": ["https://northernledger.example/x", None, None],
            "published_date": [date(2025, 11, 3)] * 3, "body": ["b"] * 3}))
    return warehouse


def test_outlets_asset_applies_an_edit_to_stored_articles(tmp_path):
    warehouse = outlets_warehouse(tmp_path / "w.duckdb")
    outlet_file = write_file(tmp_path)
    resources = {"warehouse": WarehouseResource(path=str(warehouse)), "outlet_table": OutletsResource(path=str(outlet_file))}
    assert dg.materialize([outlets], resources=resources).success
    rows = lambda: db_rows(warehouse, "SELECT outlet, country, lean, kind, matched_by, articles FROM outlets ORDER BY 1")
    assert rows() == [("Northern Ledger", "GB", "lean-left", "national", "name", 1),
                      ("harbourwire.example", "NL", "center", "wire", "domain", 1)]
    outlet_file.write_text(OUTLET_FILE.replace("Lean-Left", "left"), encoding="utf-8")
    assert dg.materialize([outlets], resources=resources).success
    assert rows()[0] == ("Northern Ledger", "GB", "left", "national", "name", 1)


def db_rows(path, sql):
    with db.read_connection(path) as conn:
        return conn.execute(sql).fetchall()


def run_outlets(warehouse, outlet_file):
    result = dg.materialize([outlets], resources={"warehouse": WarehouseResource(path=str(warehouse)),
                                                  "outlet_table": OutletsResource(path=str(outlet_file))})
    assert result.success
    return result


def test_outlets_are_kept_when_nothing_changed(tmp_path):
    warehouse, outlet_file = outlets_warehouse(tmp_path / "w.duckdb"), write_file(tmp_path)
    first = run_outlets(warehouse, outlet_file)
    stored = table_rows(warehouse, "outlets")
    second = run_outlets(warehouse, outlet_file)
    assert (was_rebuilt(first, "outlets"), was_rebuilt(second, "outlets")) == (True, False)
    assert table_rows(warehouse, "outlets") == stored
    meta = lambda r: {k: v for k, v in r.asset_materializations_for_node("outlets")[0].metadata.items() if k != "rebuilt"}
    assert meta(second) == meta(first)


@pytest.mark.parametrize("edit, text, row", [
    (None, OUTLET_FILE.replace("Lean-Left", "left"), ("Northern Ledger", "GB", "left", "national", "name", 1)),
    (None, OUTLET_FILE.replace("N. Ledger", "N. Ledger|Ledger North"), None),  # no effect here, still rebuilt
    ("UPDATE article_texts SET url = 'https://hw.example/1' WHERE article_id = 'a3'", OUTLET_FILE,
     ("hw", "NL", "center", "wire", "domain", 1)),
    ("UPDATE article_texts SET outlet = 'Blog of Nobody' WHERE article_id = 'a3'", OUTLET_FILE,
     ("Blog of Nobody", None, None, None, "name", 1)),
])
def test_outlets_follow_the_file_and_the_articles(tmp_path, edit, text, row):
    warehouse, outlet_file = outlets_warehouse(tmp_path / "w.duckdb"), write_file(tmp_path)
    with db.write_connection(warehouse) as conn:
        conn.execute("UPDATE article_texts SET outlet = 'hw' WHERE article_id = 'a3'")
    run_outlets(warehouse, outlet_file)
    if edit:
        with db.write_connection(warehouse) as conn:
            conn.execute(edit)
    write_file(tmp_path, text)
    assert was_rebuilt(run_outlets(warehouse, outlet_file), "outlets") is True
    rows = db_rows(warehouse, "SELECT outlet, country, lean, kind, matched_by, articles FROM outlets ORDER BY 1")
    if row:
        assert row in rows
    # what a from-scratch build gives
    table = read_outlet_table(outlet_file)
    with db.read_connection(warehouse) as conn:
        expected = match_outlets(table, observed_outlets(db.query_frame(conn, db.read_sql("outlets_observed"))))
    assert rows == expected.select("outlet", "country", "lean", "kind", "matched_by", "articles").rows()
