"""Memory the process gives back: DuckDB and polars each allocate through their own jemalloc,
which by default keeps freed pages for seconds to reuse them. In a chunked stage that keeps
the chunks' transient query results and frames resident on top of each other, and they become
the run's peak. Asked to give freed pages back at once (decay 0), a late stories chunk of a
100k warehouse peaked at 1,181 MiB instead of 1,848 MiB, for about 20% more time in that step
(docs/performance.md).

The allocators read their settings when they first allocate, so `configure` must run before
duckdb or polars is imported: every package of the project imports this module first (their
`__init__`). A setting already in the environment is kept: DUCKDB_JE_MALLOC_CONF and
_RJEM_MALLOC_CONF (polars) take jemalloc's options, e.g. `dirty_decay_ms:10000` for jemalloc's
own default.
"""

from __future__ import annotations

import os

# jemalloc's options: purge freed pages at once instead of after a delay.
GIVE_BACK_AT_ONCE = "dirty_decay_ms:0,muzzy_decay_ms:0"
# DuckDB's jemalloc (its documented variable) and polars' (the tikv-jemallocator prefix).
VARIABLES = ("DUCKDB_JE_MALLOC_CONF", "_RJEM_MALLOC_CONF")


def configure() -> None:
    """Set the allocators' options for this process and its children, unless already set."""
    for name in VARIABLES:
        os.environ.setdefault(name, GIVE_BACK_AT_ONCE)
