"""The `actors` step a chunk of bodies at a time: its memory holds one chunk, not the corpus.

The step reads the bodies in chunks twice, once to learn what they tell the corpus and once to
resolve them given the corpus. What it keeps of each chunk in between (the first passes and
what they tell the corpus) is set aside on disk as Parquet, a part per chunk, and read back a
part at a time; each chunk's rows for the cache are committed with the chunk. The mentions and
`actors` are then published in one transaction, a chunk of articles at a time. The rows of a
first load grow with the corpus, the step's memory does not: after each chunk's commit and each
publishing statement, what DuckDB cached goes back (`db.release_memory`). With every chunk's
cache rows inserted at the end and nothing given back, the blocks written and read stayed in
DuckDB's buffer pool: on a 100,000-article warehouse the step alone (cache cleared) peaked at
1,298 MiB, DuckDB holding 677 MiB of it (434 MiB of table blocks), against 745 MiB since
(docs/performance.md).
"""

from collections import defaultdict
from pathlib import Path

import duckdb
import polars as pl

from warehouse import db


class Spill:
    """Frames set aside in `folder` under a name, a part per chunk, to be read back one part at
    a time."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.parts: dict[str, list[Path]] = defaultdict(list)

    def add(self, name: str, frame: pl.DataFrame) -> None:
        path = self.folder / f"{name}-{len(self.parts[name]):06d}.parquet"
        frame.write_parquet(path)
        self.parts[name].append(path)

    def read(self, name: str, part: int) -> pl.DataFrame:
        return pl.read_parquet(self.parts[name][part])


def publish(conn: duckdb.DuckDBPyConnection, resolutions: pl.DataFrame, rows: int) -> int:
    """Publish the step's results inside the caller's transaction: the signature -> actor table
    `resolutions`, the mentions of the affected articles (those of the bodies the cache lists
    as unpublished, `actor_unpublished`, among them, which it then empties), and `actors`;
    returns how many articles were affected. Mentions are written `rows` articles at a time and
    `actors` is built from shares of `rows` bodies at a time, so no statement holds every
    mention of the corpus."""
    with db.registered(conn, _resolutions=resolutions):
        affected = conn.execute(db.read_sql("actors_publish")).fetchone()[0]
    # After each statement, what DuckDB cached to read and write it goes back (the transaction's
    # rows are on disk already): the blocks of every part would otherwise stay in its buffer pool.
    for first, last in db.key_ranges(conn, db.read_sql("actors_affected"), rows):
        conn.execute(db.read_sql("actors_publish_mentions"), [first, last])
        db.release_memory(conn, in_transaction=True)
    conn.execute(db.read_sql("actors_parts_table"))
    for first, last in db.key_ranges(conn, db.read_sql("actors_mention_bodies"), rows):
        conn.execute(db.read_sql("actors_parts"), [first, last])
        db.release_memory(conn, in_transaction=True)
    conn.execute(db.read_sql("actors_rebuild"))
    return affected
