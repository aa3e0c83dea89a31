"""Dagster definitions, jobs, resources, sensors and the headless entry point."""

import warehouse  # noqa: F401  (sets the allocators up before duckdb and polars load: warehouse/memory.py)
