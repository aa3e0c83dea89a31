"""The CSV files analysts edit (the alias table, the outlet table): read the same way, so a
column left out, a comment line or stray spaces mean the same in both."""

from __future__ import annotations

from pathlib import Path

import polars as pl


def read_edited_csv(path: Path, columns: list[str]) -> pl.DataFrame:
    """`columns` (all text) of the CSV at `path`: lines starting with # are comments, a missing
    column is all nulls, values are stripped of surrounding spaces; no rows when there is no file."""
    schema = {column: pl.String for column in columns}
    if not path.exists():
        return pl.DataFrame(schema=schema)
    frame = pl.read_csv(path, comment_prefix="#", schema_overrides=schema, truncate_ragged_lines=True)
    for column in columns:
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(column))
    return frame.select(columns).with_columns(pl.col(c).str.strip_chars() for c in columns)
