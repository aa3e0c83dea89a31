"""Small renderers for asset metadata: frames as markdown tables, series as sparklines, so the
Dagster UI shows a glance of what a step produced."""

from __future__ import annotations

from typing import Sequence

import polars as pl

SPARK_BARS = "▁▂▃▄▅▆▇█"


def frame_markdown(frame: pl.DataFrame, max_chars: int = 80) -> str:
    """A small polars frame as a markdown table (long cells cut, pipes escaped)."""
    if frame.height == 0:
        return "_no rows_"

    def cell(value: object) -> str:
        text = "" if value is None else str(value)
        text = text.replace("|", "\\|").replace("\n", " ")
        return text if len(text) <= max_chars else text[: max_chars - 1] + "…"

    lines = ["| " + " | ".join(frame.columns) + " |", "|" + "---|" * frame.width]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.iter_rows()]
    return "\n".join(lines)


def sparkline(values: Sequence[int | float]) -> str:
    """Values as a row of block characters, the highest as a full block; zeros as the lowest."""
    if not values:
        return ""
    top = max(values)
    if top <= 0:
        return SPARK_BARS[0] * len(values)
    return "".join(SPARK_BARS[min(len(SPARK_BARS) - 1, int(v / top * (len(SPARK_BARS) - 1) + 0.5))] for v in values)
