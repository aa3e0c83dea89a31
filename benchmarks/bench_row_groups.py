"""What a wide table's commits cost in memory as it grows, by DuckDB row group size: a table of
rows of about 2 KB of text (as `raw_records` and `article_texts` hold), filled 1,000 rows per
commit as a stage's chunks fill it, each commit's automatic checkpoint included; peak resident
memory of the process (each setting in a fresh process of its own, a fresh file), printed every
20,000 rows. DuckDB's default row group holds 122,880 rows: a checkpoint rewrites the group new
rows went into, whole, so with the default its cost grows with the table up to that size.
Made-up words, no third-party text.

    .venv/bin/python -m benchmarks.bench_row_groups [--rows 100000] [--sizes 122880 32768 16384 8192]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import string
import subprocess
import sys
import tempfile
from pathlib import Path


def fill(path: Path, rows: int, row_group_size: int) -> None:
    """The child: fill a fresh table at `path` and print the peak every 20,000 rows."""
    import duckdb
    import polars as pl

    conn = duckdb.connect(config={"memory_limit": "1GB"})
    conn.execute(f"ATTACH '{path}' AS w (ROW_GROUP_SIZE {row_group_size})")
    conn.execute("USE w")
    conn.execute("CREATE TABLE texts (article_id VARCHAR, body VARCHAR, n INTEGER)")
    rng = random.Random(1)
    words = ["".join(rng.choices(string.ascii_lowercase, k=rng.randint(3, 9))) for _ in range(5000)]
    peaks = []
    for chunk in range(rows // 1000):
        frame = pl.DataFrame({
            "article_id": [f"{rng.getrandbits(64):016x}" for _ in range(1000)],
            "body": [" ".join(rng.choices(words, k=350)) for _ in range(1000)],
            "n": list(range(1000)),
        })
        conn.execute("BEGIN")
        conn.register("_chunk", frame)
        conn.execute("INSERT INTO texts SELECT * FROM _chunk")
        conn.unregister("_chunk")
        conn.execute("COMMIT")
        if (chunk + 1) % 20 == 0:
            peaks.append(f"{(chunk + 1) * 1000}: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")
    print(f"row groups of {row_group_size:>7,} rows, peak MiB at " + ", ".join(peaks), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--sizes", type=int, nargs="+", default=[122_880, 32_768, 16_384, 8_192])
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return fill(Path(args.child[0]), int(args.child[1]), int(args.child[2]))
    with tempfile.TemporaryDirectory(prefix="row-groups-") as work:
        for size in args.sizes:
            path = Path(work) / f"rg{size}.duckdb"
            subprocess.run([sys.executable, "-m", "benchmarks.bench_row_groups", "--child", str(path), str(args.rows),
                            str(size)], check=True, cwd=Path(__file__).resolve().parents[1], env=dict(os.environ))


if __name__ == "__main__":
    main()
