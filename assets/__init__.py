"""Assets: one module (or package) per stage."""

import warehouse  # noqa: F401  (sets the allocators up before duckdb and polars load: warehouse/memory.py)
