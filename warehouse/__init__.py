"""The warehouse: DuckDB connections, schema, migrations, the analysts' copy, the lake."""

from warehouse import memory

# Before duckdb or polars is imported anywhere in the process (warehouse/memory.py).
memory.configure()
