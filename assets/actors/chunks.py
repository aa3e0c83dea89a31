"""The `actors` step a chunk of bodies at a time: its memory holds one chunk, not the corpus.

The step reads the bodies in chunks twice, once to learn what they tell the corpus and once to
resolve them given the corpus, and writes its cache in one transaction at the end. What it
keeps of each chunk in between (the first passes, and the rows for the cache tables) is set
aside on disk as Parquet, a part per chunk, and inserted from there a part at a time; the
mentions and `actors` are then published in the same transaction a chunk at a time too. The
rows of a first load grow with the corpus, the step's memory does not: one statement over all
of them (a parallel insert of every part, a window over every mention) held them all in
DuckDB's memory at once, about 300 MB more at 30,000 articles.
"""

from collections import defaultdict
from pathlib import Path

import duckdb
import polars as pl

from warehouse import db


class Spill:
    """Frames set aside in `folder` under a name, a part per chunk, to be read back one part at
    a time or inserted into a warehouse table all at once."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.parts: dict[str, list[Path]] = defaultdict(list)

    def add(self, name: str, frame: pl.DataFrame) -> None:
        path = self.folder / f"{name}-{len(self.parts[name]):06d}.parquet"
        frame.write_parquet(path)
        self.parts[name].append(path)

    def read(self, name: str, part: int) -> pl.DataFrame:
        return pl.read_parquet(self.parts[name][part])

    def insert(self, conn: duckdb.DuckDBPyConnection, name: str, table: str) -> None:
        """Append every part of `name` to `table`, matching columns by name, in order, one
        part per statement: DuckDB's parallel insert of all parts at once buffers them all."""
        for path in self.parts[name]:
            # `table` comes from our own code, never from input: identifiers cannot be parameters.
            conn.execute(f'INSERT INTO "{table}" BY NAME SELECT * FROM read_parquet(?)', [str(path)])


def publish(conn: duckdb.DuckDBPyConnection, resolutions: pl.DataFrame, resolved: pl.DataFrame, rows: int) -> int:
    """Publish the step's results inside the caller's transaction, after the cache tables are
    written: the signature -> actor table `resolutions`, the mentions of the affected articles
    (bodies `resolved` this run among them), and `actors`; returns how many articles were
    affected. Mentions are written `rows` articles at a time and `actors` is built from shares
    of `rows` bodies at a time, so no statement holds every mention of the corpus."""
    with db.registered(conn, _resolutions=resolutions, _resolved_hashes=resolved):
        affected = conn.execute(db.read_sql("actors_publish")).fetchone()[0]
    for first, last in db.key_ranges(conn, db.read_sql("actors_affected"), rows):
        conn.execute(db.read_sql("actors_publish_mentions"), [first, last])
    conn.execute(db.read_sql("actors_parts_table"))
    for first, last in db.key_ranges(conn, db.read_sql("actors_mention_bodies"), rows):
        conn.execute(db.read_sql("actors_parts"), [first, last])
    conn.execute(db.read_sql("actors_rebuild"))
    return affected
