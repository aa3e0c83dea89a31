"""Progress a person can follow in long runs: chunk k of n, items per second, time left.

Chunked stages report through the run's logger, so the same lines show in the terminal of
`make run` and in the run's log in the Dagster UI.
"""

from __future__ import annotations

import resource
import sys
import time
from typing import Any


def resident_mib() -> float:
    """This process's resident memory now, in MiB (its peak where the system tells no more)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * resource.getpagesize() / 2**20
    except OSError:
        return peak_mib()


def peak_mib() -> float:
    """This process's peak resident memory so far, in MiB (what `wait4` reports for the run's
    process when it ends: the benchmarks' figure)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


class Progress:
    """Counts the items of a stage as its chunks commit and logs one line per chunk."""

    def __init__(self, log: Any, stage: str, total: int, chunks: int, unit: str = "articles"):
        self.log, self.stage, self.total, self.chunks, self.unit = log, stage, total, chunks, unit
        self.done = 0
        self.chunk = 0
        self.started = time.monotonic()

    def line(self, items: int) -> str:
        """Record a committed chunk of `items` and describe where the stage stands."""
        self.done += items
        self.chunk += 1
        elapsed = max(time.monotonic() - self.started, 1e-9)
        rate = self.done / elapsed
        left = (self.total - self.done) / rate if rate > 0 else 0.0
        return (f"{self.stage}: chunk {self.chunk} of {self.chunks} committed, {self.done}/{self.total} {self.unit} "
                f"({rate:.1f} {self.unit}/s, {_duration(elapsed)} elapsed, about {_duration(left)} left, "
                f"{resident_mib():,.0f} MiB resident)")

    def step(self, items: int) -> None:
        if self.log is not None:
            self.log.info(self.line(items))


def chunked(items: list, size: int) -> list[list]:
    """`items` in order, cut into lists of at most `size`: the chunks a stage commits one by one."""
    return [items[i:i + size] for i in range(0, len(items), size)]
