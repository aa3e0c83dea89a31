"""Exports: tables and a saved query written to Parquet and CSV, complete, read back."""

from datetime import date

import duckdb
import polars as pl

from assets.exports import export_all, query_text
from warehouse import db
from tests.conftest import store_articles


def test_export_all_writes_tables_and_saved_queries(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    n = 5000
    with db.write_connection(warehouse) as conn:
        store_articles(conn, pl.DataFrame({
            "article_id": [f"a{i}" for i in range(n)], "source_path": [f"{i}.txt" for i in range(n)],
            "record_index": [0] * n, "outlet": ["O, \"quoted\"" if i % 2 else "P" for i in range(n)],
            "published_date": [date(2025, 11, 1 + i % 20) for i in range(n)], "body": ["line one\nline two"] * n}))
    query = tmp_path / "per_outlet.sql"
    query.write_text("-- articles per outlet\nSELECT outlet, count(*) AS articles\nFROM articles\nGROUP BY outlet\n"
                     "ORDER BY outlet; -- sorted\n\n", encoding="utf-8")
    out = tmp_path / "exports"
    with db.read_connection(warehouse) as conn:
        written = export_all(conn, out, [query])
    files = dict(zip(written["file"], written["rows"]))
    assert files["articles.parquet"] == n and files["articles.csv"] == n
    assert files["per_outlet.parquet"] == 2 and files["rejected_files.csv"] == 0
    assert "quotes.parquet" not in files, "only tables the warehouse has"
    assert not list(out.glob(".*.tmp"))
    reader = duckdb.connect()
    assert reader.execute(f"SELECT count(*), count(DISTINCT article_id) FROM '{out / 'articles.parquet'}'").fetchone() == (n, n)
    assert reader.execute(f"SELECT * FROM read_csv('{out / 'per_outlet.csv'}') ORDER BY outlet").fetchall() == [
        ('O, "quoted"', 2500), ("P", 2500)]
    assert reader.execute(f"SELECT body FROM read_csv('{out / 'articles.csv'}') LIMIT 1").fetchone() == ("line one\nline two",)


def test_query_text_drops_the_final_semicolon(tmp_path):
    path = tmp_path / "q.sql"
    path.write_text("-- one\nSELECT 1 -- the answer\n;; -- done\n-- bye\n\n", encoding="utf-8")
    assert query_text(path) == "-- one\nSELECT 1 -- the answer"
