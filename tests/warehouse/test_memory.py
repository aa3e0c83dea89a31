"""The allocators give freed memory back at once (warehouse/memory.py), in a fresh process as a
run starts one; a setting of the user's own is kept."""

import os
import subprocess
import sys

from tests.conftest import PROJECT_ROOT

# Builds and frees about 200 MiB of polars frames; prints resident MiB before and after the free.
PROBE = """
import {first}
import polars as pl
from assets.progress import resident_mib
frame = pl.DataFrame({{"term": pl.int_range(3_000_000, eager=True).cast(pl.String), "n": pl.int_range(3_000_000, eager=True)}})
joined = frame.join(frame.group_by("term").agg(pl.len()), on="term")
built = resident_mib()
del frame, joined
freed = resident_mib()
print(built, freed, os.environ.get("_RJEM_MALLOC_CONF"))
"""


def _probe(first: str, env: dict) -> tuple[float, float, str]:
    out = subprocess.run([sys.executable, "-c", "import os\n" + PROBE.format(first=first)], cwd=PROJECT_ROOT,
                         env=env, capture_output=True, text=True, timeout=300, check=True).stdout.split()
    return float(out[0]), float(out[1]), out[2]


def _clean_env() -> dict:
    return {k: v for k, v in os.environ.items() if k not in ("_RJEM_MALLOC_CONF", "DUCKDB_JE_MALLOC_CONF")}


def test_importing_the_project_first_makes_freed_frames_leave_at_once():
    built, freed, setting = _probe("pipelines", _clean_env())
    # polars puts its own defaults first at import; jemalloc takes the last value of an option
    assert setting.endswith("dirty_decay_ms:0,muzzy_decay_ms:0")
    assert built - freed > 100, (built, freed)  # the frames' pages went back when they were dropped


def test_without_it_jemalloc_keeps_them_which_is_what_the_setting_changes():
    env = dict(_clean_env(), _RJEM_MALLOC_CONF="dirty_decay_ms:10000")  # jemalloc's own default, kept
    built, freed, setting = _probe("pipelines", env)
    assert setting.endswith("dirty_decay_ms:10000")
    assert built - freed < 50, (built, freed)
