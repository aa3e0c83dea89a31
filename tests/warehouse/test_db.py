"""The warehouse connection helpers on a real DuckDB file in tmp_path."""

import duckdb
import polars as pl
import pytest

from warehouse import db


def test_write_connection_creates_schema(tmp_path):
    path = tmp_path / "w" / "media.duckdb"
    with db.write_connection(path) as conn:
        tables = {r[0] for r in conn.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert {"articles", "rejected_files", "landing_files", "entity_runs"} <= tables


def test_transaction_rolls_back_everything_on_error(tmp_path):
    path = tmp_path / "media.duckdb"
    with db.write_connection(path) as conn:
        with pytest.raises(RuntimeError):
            with db.transaction(conn):
                conn.execute("INSERT INTO rejected_files VALUES ('a.bin', 'binary file', NULL, now())")
                raise RuntimeError("a later step failed")
        assert conn.execute("SELECT count(*) FROM rejected_files").fetchone()[0] == 0


def test_insert_frame_matches_columns_by_name(tmp_path):
    frame = pl.DataFrame({"reason": ["empty file"], "source_path": ["x/empty.txt"]})
    with db.write_connection(tmp_path / "media.duckdb") as conn:
        assert db.insert_frame(conn, "rejected_files", frame) == 1
        assert db.insert_frame(conn, "rejected_files", frame.clear()) == 0
        assert conn.execute("SELECT source_path, reason FROM rejected_files").fetchall() == [("x/empty.txt", "empty file")]


def test_rows_are_grouped_by_the_row_group_size_in_every_commit(tmp_path):
    # DuckDB keeps no row group size in the file: every connection the pipeline opens asks for
    # it, so commits of later connections (held or not) keep the groups small, and the file
    # opened the ordinary way reads the same rows.
    path = tmp_path / "media.duckdb"
    rows = db.ROW_GROUP_SIZE * 2 + 100
    with db.write_connection(path) as conn:
        conn.execute("CREATE TABLE numbers (n BIGINT)")
        conn.execute("INSERT INTO numbers SELECT range FROM range(?)", [rows // 2])
    with db.held(path), db.write_connection(path) as conn:
        conn.execute("INSERT INTO numbers SELECT range FROM range(?, ?)", [rows // 2, rows])
        assert conn.execute("SELECT current_database()").fetchone()[0] == "warehouse"
    with duckdb.connect(str(path), read_only=True) as plain:
        groups = plain.execute(
            "SELECT row_group_id, max(count) FROM pragma_storage_info('numbers') GROUP BY row_group_id").fetchall()
        assert plain.execute("SELECT count(*), count(DISTINCT n) FROM numbers").fetchone() == (rows, rows)
    assert len(groups) >= 3 and max(size for _, size in groups) <= db.ROW_GROUP_SIZE


def test_read_connection_is_read_only_and_creates_missing_warehouse(tmp_path):
    path = tmp_path / "new.duckdb"
    with db.read_connection(path) as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 0
        with pytest.raises(duckdb.Error):
            conn.execute("DELETE FROM articles")


def test_snapshot_is_readable_while_the_warehouse_is_being_written(tmp_path):
    path = tmp_path / "media.duckdb"
    with db.write_connection(path) as conn:
        conn.execute("INSERT INTO rejected_files VALUES ('a.bin', 'binary file', NULL, now())")
    snapshot = db.publish_snapshot(path).path
    assert snapshot == tmp_path / "media.analyst.duckdb"
    analyst = duckdb.connect(str(snapshot), read_only=True)
    try:
        with db.write_connection(path) as conn:  # a run writing while an analyst session is open
            conn.execute("INSERT INTO rejected_files VALUES ('b.bin', 'binary file', NULL, now())")
        assert analyst.execute("SELECT count(*) FROM rejected_files").fetchone()[0] == 1
        db.publish_snapshot(path)  # renamed over the file the open session still reads
        assert analyst.execute("SELECT count(*) FROM rejected_files").fetchone()[0] == 1
    finally:
        analyst.close()
    fresh = duckdb.connect(str(snapshot), read_only=True)
    assert fresh.execute("SELECT count(*) FROM rejected_files").fetchone()[0] == 2
    fresh.close()


def test_key_lists_in_sql_files_read_exactly_the_listed_rows(tmp_path):
    # a chunk's rows come through a literal list of its keys; quotes inside a key are escaped,
    # an empty list matches nothing, and a file whose list is not given is refused
    with db.write_connection(tmp_path / "media.duckdb") as conn:
        conn.execute("CREATE TABLE article_texts_probe AS SELECT * FROM (VALUES ('a', 1), ('b''c', 2), ('d', 3)) t(article_id, n)")
        assert db.in_list(["d", "b'c", "d", None]) == "('b''c', 'd')"
        sql = "SELECT n FROM article_texts_probe WHERE article_id IN {{ids}} ORDER BY n"
        assert conn.execute(sql.replace("{{ids}}", db.in_list(["b'c", "d"]))).fetchall() == [(2,), (3,)]
        assert conn.execute(sql.replace("{{ids}}", db.in_list([]))).fetchall() == []
    assert "IN ('x')" in db.read_sql("dedup_articles", ids=["x"])
    with pytest.raises(ValueError, match="needs keys for ids"):
        db.read_sql("dedup_articles")


def test_inputs_fingerprint_follows_data_and_build_but_not_row_order(tmp_path):
    with db.write_connection(tmp_path / "w.duckdb") as conn:
        conn.execute("INSERT INTO outlets (outlet, articles) VALUES ('A', 1), ('B', 2)")
        first = db.inputs_fingerprint(conn, "lean_inputs", "build v1", 3)
        assert db.inputs_fingerprint(conn, "lean_inputs", "build v1", 3) == first
        assert db.inputs_fingerprint(conn, "lean_inputs", "build v2", 3) != first, "a new release of the build"
        assert db.inputs_fingerprint(conn, "lean_inputs", "build v1", 2) != first, "another setting"
        conn.execute("UPDATE outlets SET lean = 'left' WHERE outlet = 'A'")
        assert db.inputs_fingerprint(conn, "lean_inputs", "build v1", 3) != first
        conn.execute("UPDATE outlets SET lean = NULL WHERE outlet = 'A'")
        rows = conn.execute("SELECT * FROM outlets ORDER BY outlet DESC").fetchall()
        conn.execute("DELETE FROM outlets")
        conn.executemany("INSERT INTO outlets VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)  # same rows, other order
        assert db.inputs_fingerprint(conn, "lean_inputs", "build v1", 3) == first


def test_build_state_records_one_fingerprint_per_table(tmp_path):
    with db.write_connection(tmp_path / "w.duckdb") as conn:
        assert db.built_from(conn, "outlets") is None
        db.record_build(conn, "outlets", "f1")
        db.record_build(conn, "outlets", "f2")
        db.record_build(conn, "actor_tone", "t1")
        assert (db.built_from(conn, "outlets"), db.built_from(conn, "actor_tone")) == ("f2", "t1")


def _pool_mib(conn) -> float:
    return conn.execute("SELECT sum(memory_usage_bytes) / 2^20 FROM duckdb_memory()").fetchall()[0][0]


def test_release_memory_empties_the_buffer_pool_and_keeps_the_limit_and_the_data(tmp_path):
    path = tmp_path / "w.duckdb"
    with db.write_connection(path) as conn:
        conn.execute("CREATE TABLE wide AS SELECT i, repeat(md5(i::VARCHAR), 4) AS s FROM range(1000000) r(i)")
        conn.execute("CHECKPOINT")
        limit = conn.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
        conn.execute("SELECT count(DISTINCT s) FROM wide").fetchall()  # reads every block into the pool
        cached = _pool_mib(conn)
        assert cached > 48
        db.release_memory(conn)
        assert _pool_mib(conn) <= 32  # the floor release_memory lowers the limit to
        assert conn.execute("SELECT current_setting('memory_limit')").fetchall()[0][0] == limit
        assert conn.execute("SELECT count(*), count(DISTINCT s) FROM wide").fetchall() == [(1000000, 1000000)]


def test_release_memory_inside_a_transaction_keeps_uncommitted_rows(tmp_path):
    path = tmp_path / "w.duckdb"
    with db.write_connection(path) as conn:
        conn.execute("CREATE TABLE t (i INTEGER)")
        with db.transaction(conn):
            conn.execute("INSERT INTO t SELECT * FROM range(300000)")
            db.release_memory(conn)
            assert conn.execute("SELECT count(*) FROM t").fetchall() == [(300000,)]
        assert conn.execute("SELECT sum(i) FROM t").fetchall() == [(sum(range(300000)),)]


def test_release_memory_inside_a_transaction_that_built_an_index_leaves_it_alive(tmp_path):
    # An index the transaction built (about 67 MiB here) cannot be evicted: lowering the limit
    # below it fails, and a failed statement aborts the transaction. Inside a transaction the
    # floor is what DuckDB holds beyond its cached table blocks, and those blocks still go.
    path = tmp_path / "w.duckdb"
    cached = "SELECT coalesce(sum(memory_usage_bytes), 0) / 2^20 FROM duckdb_memory() WHERE tag = 'BASE_TABLE'"
    with db.write_connection(path) as conn:
        conn.execute("CREATE TABLE wide AS SELECT i, repeat(md5(i::VARCHAR), 4) AS s FROM range(1000000) r(i)")
        conn.execute("CREATE TABLE keyed (k VARCHAR PRIMARY KEY, v INTEGER)")
        conn.execute("CHECKPOINT")
        with db.transaction(conn):
            conn.execute("INSERT INTO keyed SELECT md5(i::VARCHAR), i FROM range(1000000) r(i)")
            conn.execute("SELECT count(DISTINCT s) FROM wide").fetchall()  # reads every block into the pool
            assert conn.execute(cached).fetchall()[0][0] > 48
            db.release_memory(conn, in_transaction=True)
            assert conn.execute(cached).fetchall()[0][0] < 24
            conn.execute("INSERT INTO keyed VALUES ('one more', -1)")
        assert conn.execute("SELECT count(*) FROM keyed").fetchall() == [(1000001,)]


def test_held_memory_names_what_duckdb_holds_by_kind(tmp_path):
    # The step-end log line says what of the resident memory is DuckDB's, by kind: here the
    # index of a primary key of 300,000 keys an open transaction built.
    with db.write_connection(tmp_path / "w.duckdb") as conn:
        conn.execute("CREATE TABLE keyed (k VARCHAR PRIMARY KEY, v INTEGER)")
        assert "ART_INDEX" not in db.held_memory(conn)
        with db.transaction(conn):
            conn.execute("INSERT INTO keyed SELECT md5(i::VARCHAR), i FROM range(300000) r(i)")
            held = db.held_memory(conn)
        assert held["ART_INDEX"] >= 4
        assert all(mib >= 1 for mib in held.values())
        assert list(held.values()) == sorted(held.values(), reverse=True)


def test_key_ranges_cut_the_sorted_keys_into_runs_of_the_given_size(tmp_path):
    with db.write_connection(tmp_path / "w.duckdb") as conn:
        conn.execute("CREATE TABLE k AS SELECT * FROM (VALUES ('e'), ('a'), ('d'), ('b'), ('c')) AS t(id)")
        assert db.key_ranges(conn, "-- a comment\nSELECT id FROM k", 2) == [("a", "b"), ("c", "d"), ("e", "e")]
        assert db.key_ranges(conn, "SELECT id FROM k WHERE id > 'z'", 2) == []
