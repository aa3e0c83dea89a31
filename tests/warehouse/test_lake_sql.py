"""What the lake changes in the SQL (warehouse/lake.py), checked on the embedded DuckDB without
any service: migrations without keys create the same tables, and the rewritten upserts and
DELETE ... RETURNING give the same rows as the statements they replace."""

import duckdb
import pytest

from warehouse import db
from warehouse.lake import extension_file, lake_ddl, lake_sql


def columns(conn):
    return conn.execute("SELECT table_name, column_name, data_type FROM duckdb_columns() ORDER BY ALL").fetchall()


def test_migrations_without_keys_create_the_same_tables_and_no_constraints():
    keyed, keyless = duckdb.connect(), duckdb.connect()
    db.migrate(keyed)
    for _, _, path in db.migrations():
        keyless.execute(lake_ddl(path.read_text(encoding="utf-8")))
    keyless.execute("CREATE TABLE schema_version (version INTEGER, name VARCHAR, applied_at TIMESTAMP)")
    assert columns(keyless) == columns(keyed)
    assert keyed.execute("SELECT count(*) FROM duckdb_constraints() WHERE constraint_type IN ('PRIMARY KEY', 'UNIQUE')").fetchone()[0] > 0
    assert keyless.execute("SELECT count(*) FROM duckdb_constraints() WHERE constraint_type IN ('PRIMARY KEY', 'UNIQUE')").fetchone()[0] == 0


@pytest.mark.parametrize("name", ["clean_write_chunk", "stories_write_chunk"])
def test_upserts_of_the_stages_become_merge(name):
    assert "ON CONFLICT" in db.read_sql(name)
    rewritten = lake_sql(db.read_sql(name))
    assert "ON CONFLICT" not in rewritten and "MERGE INTO" in rewritten
    # every other statement kept
    assert rewritten.count(";") == len(duckdb.extract_statements(db.read_sql(name)))


def test_merge_adds_like_on_conflict():
    sql = ("INSERT INTO t (outlet, line_hash, documents) SELECT outlet, line_hash, documents FROM _new\n"
           "ON CONFLICT (outlet, line_hash) DO UPDATE SET documents = t.documents + excluded.documents;")
    results = []
    for text, key in ((sql, ", PRIMARY KEY (outlet, line_hash)"), (lake_sql(sql), "")):
        conn = duckdb.connect()
        conn.execute(f"CREATE TABLE t (outlet VARCHAR, line_hash VARCHAR, documents BIGINT{key})")
        conn.execute("INSERT INTO t VALUES ('a', 'x', 1), ('a', 'y', 2)")
        conn.execute("CREATE TABLE _new AS SELECT * FROM (VALUES ('a', 'x', 5), ('b', 'x', 7)) AS v(outlet, line_hash, documents)")
        conn.execute(text)
        results.append(conn.execute("SELECT * FROM t ORDER BY ALL").fetchall())
    assert results[0] == results[1] == [("a", "x", 6), ("a", "y", 2), ("b", "x", 7)]


def test_delete_returning_selects_what_it_deletes():
    sql = "-- stale rows\nDELETE FROM t WHERE k NOT IN (SELECT k FROM keep)\nRETURNING 1"
    conn = duckdb.connect()
    conn.execute("CREATE TABLE t AS SELECT * FROM range(5) AS r(k)")
    conn.execute("CREATE TABLE keep AS SELECT * FROM range(2) AS r(k)")
    assert len(conn.execute(lake_sql(sql)).fetchall()) == 3
    assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 2


def test_statements_without_what_the_lake_lacks_are_left_as_they_are():
    sql = db.read_sql("entities_write_chunk")
    assert lake_sql(sql) == sql


def test_the_extensions_load_from_the_packages_without_any_download():
    conn = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    for name in ("postgres_scanner", "ducklake"):
        path = extension_file(name, conn)
        assert path.is_file() and f"v{duckdb.__version__}" in str(path)
        conn.execute(f"LOAD '{path}'")
    loaded = {n for n, in conn.execute("SELECT extension_name FROM duckdb_extensions() WHERE loaded").fetchall()}
    assert {"ducklake", "postgres_scanner"} <= loaded
