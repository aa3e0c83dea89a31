"""The `actors` step a chunk of bodies at a time: its memory holds one chunk, not the corpus.

The step reads the bodies in chunks twice, once to learn what they tell the corpus and once to
resolve them given the corpus, and writes its cache in one transaction at the end. What it
keeps of each chunk in between (the first passes, and the rows for the cache tables) is set
aside on disk as Parquet, a part per chunk, and inserted from there: the rows of a first load
grow with the corpus, the step's memory does not.
"""

from collections import defaultdict
from pathlib import Path

import duckdb
import polars as pl


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
        """Append every part of `name` to `table`, matching columns by name."""
        if self.parts[name]:
            # `table` comes from our own code, never from input: identifiers cannot be parameters.
            conn.execute(f'INSERT INTO "{table}" BY NAME SELECT * FROM read_parquet(?)', [[str(p) for p in self.parts[name]]])
