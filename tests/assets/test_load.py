"""The load step on a real DuckDB file: one run's frames in, idempotent, replacement of a
file changed in place."""

from datetime import date, datetime

import polars as pl

from assets.load import articles_to_load, write_run
from warehouse import db

LOADED_AT = datetime(2025, 11, 5, 8, 0)


def run_frames(body: str, file_hash: str, *, rejected: bool = True):
    files = [{"source_path": "wire/a.txt", "size": len(body), "mtime_ns": 1, "file_hash": file_hash,
              "status": "loaded", "articles": 1}]
    rejects = []
    if rejected:
        files.append({"source_path": "junk.bin", "size": 4, "mtime_ns": 1, "file_hash": "ff",
                      "status": "rejected", "articles": 0})
        rejects.append({"source_path": "junk.bin", "reason": "This is a binary file, not text.", "file_hash": "ff"})
    raw = {
        "files": pl.DataFrame(files),
        "rejected": pl.DataFrame(rejects, schema={"source_path": pl.String, "reason": pl.String, "file_hash": pl.String}),
        "records": pl.DataFrame(),
    }
    content_hash = f"c-{file_hash}"
    cleaned = {"articles": pl.DataFrame({
        "article_id": ["art1"], "source_path": ["wire/a.txt"], "record_index": [0], "file_hash": [file_hash],
        "format": ["txt"], "outlet": ["wire"], "url": [None], "title": ["Xi meets Mishustin"], "author": [None],
        "published_date": [date(2025, 11, 4)], "date_source": ["header"], "language": ["en"], "body": [body],
        "word_count": [len(body.split())], "content_hash": [content_hash],
    }, schema_overrides={"url": pl.String, "author": pl.String, "record_index": pl.Int32, "word_count": pl.Int32})}
    entities = {
        "spans": pl.DataFrame({"content_hash": [content_hash], "surface": ["Xi"], "entity_label": ["PERSON"],
                               "start_char": [0], "end_char": [2]}, schema_overrides={"start_char": pl.Int32, "end_char": pl.Int32}),
        "runs": pl.DataFrame({"content_hash": [content_hash], "pipeline": ["en_core_web_sm 3.8.0"],
                              "status": ["analysed"], "reason": [None]}, schema_overrides={"reason": pl.String}),
    }
    dedup = {
        "assignments": pl.DataFrame({"article_id": ["art1"], "dup_group_id": ["art0"]}),
        "duplicates": pl.DataFrame({"article_id": ["art1"], "duplicate_of": ["art0"], "similarity": [1.0], "method": ["exact"]}),
    }
    return raw, cleaned, entities, dedup


def snapshot(conn):
    return {
        "articles": conn.execute("SELECT article_id, body, dup_group_id, entity_status FROM articles ORDER BY 1").fetchall(),
        "rejected": conn.execute("SELECT source_path, reason FROM rejected_files ORDER BY 1").fetchall(),
        "ledger": conn.execute("SELECT source_path, file_hash, status FROM landing_files ORDER BY 1").fetchall(),
        "spans": conn.execute("SELECT content_hash, surface FROM entity_spans ORDER BY 1").fetchall(),
        "duplicates": conn.execute("SELECT article_id, duplicate_of FROM duplicates ORDER BY 1").fetchall(),
    }


def test_write_run_loads_everything_and_is_idempotent(tmp_path):
    frames = run_frames("Xi met Mishustin in Beijing.", "h1")
    with db.write_connection(tmp_path / "w.duckdb") as conn:
        with db.transaction(conn):
            counts = write_run(conn, *frames, LOADED_AT)
        first = snapshot(conn)
        with db.transaction(conn):
            write_run(conn, *frames, LOADED_AT)
        assert snapshot(conn) == first
    assert counts["articles"] == 1 and counts["rejected_files"] == 1
    assert first == {
        "articles": [("art1", "Xi met Mishustin in Beijing.", "art0", "analysed")],
        "rejected": [("junk.bin", "This is a binary file, not text.")],
        "ledger": [("junk.bin", "ff", "rejected"), ("wire/a.txt", "h1", "loaded")],
        "spans": [("c-h1", "Xi")],
        "duplicates": [("art1", "art0")],
    }


def test_a_file_changed_in_place_replaces_what_it_produced(tmp_path):
    with db.write_connection(tmp_path / "w.duckdb") as conn:
        with db.transaction(conn):
            write_run(conn, *run_frames("Xi met Mishustin in Beijing.", "h1"), LOADED_AT)
        with db.transaction(conn):
            write_run(conn, *run_frames("Putin met Xi in Moscow.", "h2", rejected=False), LOADED_AT)
        state = snapshot(conn)
    assert state["articles"] == [("art1", "Putin met Xi in Moscow.", "art0", "analysed")]
    assert state["ledger"] == [("junk.bin", "ff", "rejected"), ("wire/a.txt", "h2", "loaded")]
    # NER results are kept per text: the old text's spans stay for any other copy of it
    assert state["spans"] == [("c-h1", "Xi"), ("c-h2", "Xi")]
    assert state["duplicates"] == [("art1", "art0")]


def test_articles_without_a_group_are_their_own_group():
    articles = pl.DataFrame({"article_id": ["a", "b"]})
    assignments = pl.DataFrame({"article_id": ["a"], "dup_group_id": ["g"]})
    loaded = articles_to_load(articles, assignments, LOADED_AT)
    assert loaded.select("article_id", "dup_group_id").rows() == [("a", "g"), ("b", "b")]
