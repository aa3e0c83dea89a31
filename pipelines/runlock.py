"""One pipeline run at a time, and no run ever wedged by a dead one.

Every run holds an exclusive `flock` on a lock file beside the warehouse for its whole
duration (taken when the run's warehouse resource is set up, released when it is torn down).
The kernel releases a flock when its holder dies, however it dies (`kill -9` included), so a
crash never leaves a lock behind; a run that finds the lock taken sleeps in the kernel until it
is free (no busy wait) and says in its log which run it waits for. The lock file names the run
holding it; a run that gets the lock and finds another run's name there knows that run died
without finishing: it marks that run failed in the Dagster instance (so the run queue, which
lets one run at a time in, counts it no longer), frees whatever concurrency slots it still
held, says so in its log, and goes on.

When a run's steps execute in several processes (the multiprocess or Celery executor,
pipelines/executors.py), the run's executor holds the lock for the whole run, and a step process
that finds the lock held by its own run goes on without waiting: one run at a time, never its
own steps waiting for each other.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

IN_PROGRESS = ("STARTING", "STARTED", "CANCELING")


def lock_path_for(warehouse_file: Path) -> Path:
    return warehouse_file.with_name(warehouse_file.name + ".run.lock")


@dataclass
class Holder:
    run_id: str
    pid: int
    started: float


def read_holder(handle: IO[str]) -> Holder | None:
    handle.seek(0)
    text = handle.read().strip()
    if not text:
        return None
    try:
        data = json.loads(text)
        return Holder(str(data["run_id"]), int(data["pid"]), float(data["started"]))
    except (ValueError, KeyError, TypeError):
        return None


def _write_holder(handle: IO[str], holder: Holder | None) -> None:
    handle.seek(0)
    handle.truncate()
    if holder is not None:
        handle.write(json.dumps({"run_id": holder.run_id, "pid": holder.pid, "started": holder.started}))
    handle.flush()
    os.fsync(handle.fileno())


def clear_dead_run(instance: Any, run_id: str, log: Any = None) -> bool:
    """Mark run `run_id` failed (its process is gone) and free its concurrency slots; True when
    the instance still showed it in progress."""
    if instance is None:
        return False
    run = instance.get_run_by_id(run_id)
    if run is None or run.status.value not in IN_PROGRESS:
        return False
    message = (f"Run {run_id} stopped without finishing (its process died, e.g. killed or out of memory); "
               "marked failed so later runs can go on. Its committed chunks are kept; the next run "
               "carries on from there.")
    instance.report_run_failed(run, message)
    free = getattr(instance.event_log_storage, "free_concurrency_slots_for_run", None)
    if free is not None:
        try:
            free(run_id)
        except Exception:  # an instance without concurrency tables has nothing to free
            pass
    if log is not None:
        log.warning(message)
    return True


class RunLock:
    """The lock of one warehouse, held by one run at a time."""

    def __init__(self, warehouse_file: Path):
        self.path = lock_path_for(warehouse_file)
        self.handle: IO[str] | None = None

    def acquire(self, run_id: str, instance: Any = None, log: Any = None) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = read_holder(handle)
            if holder is not None and holder.run_id == run_id:
                # Held by this very run (its executor, while this process runs one of its steps).
                handle.close()
                return
            if log is not None:
                who = f"run {holder.run_id} (process {holder.pid})" if holder else "another run"
                log.info(f"waiting for {who} to finish: one pipeline run writes the warehouse at a time")
            fcntl.flock(handle, fcntl.LOCK_EX)  # sleeps in the kernel until the holder ends or dies
        previous = read_holder(handle)
        if previous is not None and previous.run_id != run_id:
            # It held the lock and never released it: it died mid-run.
            if log is not None:
                log.warning(f"the previous run {previous.run_id} (process {previous.pid}) died without finishing; "
                            "its lock was released by the system")
            clear_dead_run(instance, previous.run_id, log)
        _write_holder(handle, Holder(run_id, os.getpid(), time.time()))
        self.handle = handle

    def release(self) -> None:
        if self.handle is None:
            return
        _write_holder(self.handle, None)
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()
        self.handle = None


def reap_if_dead(warehouse_file: Path, instance: Any, log: Any = None) -> str | None:
    # `instance` may be a callable returning it: it is only needed when a dead run is found.
    """Without waiting: when no run holds the lock but the file names one, that run died; mark
    it failed. Used by the sensor, so a crashed run never blocks the run queue until the next
    run happens to start. Returns the id of the run cleared, if any."""
    path = lock_path_for(warehouse_file)
    if not path.exists():
        return None
    with open(path, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return None  # a live run holds it
        try:
            holder = read_holder(handle)
            if holder is None:
                return None
            cleared = clear_dead_run(instance() if callable(instance) else instance, holder.run_id, log)
            _write_holder(handle, None)
            return holder.run_id if cleared else None
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
