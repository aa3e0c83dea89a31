"""How a run's steps execute: in one process (the default), in several local processes, or on
Celery workers (on this machine or others), chosen by settings (README, "Past one machine").

    MEDIA_MONITOR_EXECUTOR        in_process | multiprocess | celery (default: in_process, or
                                  multiprocess when there are several entity workers)
    MEDIA_MONITOR_ENTITY_WORKERS  entity workers (default 1); more than 1 needs a DuckLake
    MEDIA_MONITOR_CELERY_BROKER   default pyamqp://guest:guest@127.0.0.1:5672//
    MEDIA_MONITOR_CELERY_BACKEND  default rpc://

With several processes each step process sets up its own resources, so the run lock
(pipelines/runlock.py) is taken by the executor, in the process that orchestrates the run, for
the whole run; the step processes of that run find it held by their own run and go on.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dagster as dg
from dagster._core.executor.base import Executor

from pipelines.runlock import RunLock

EXECUTORS = ("in_process", "multiprocess", "celery")
DEFAULT_BROKER = "pyamqp://guest:guest@127.0.0.1:5672//"
DEFAULT_BACKEND = "rpc://"


def entity_workers() -> int:
    return max(1, int(os.environ.get("MEDIA_MONITOR_ENTITY_WORKERS", "1")))


def executor_kind() -> str:
    kind = os.environ.get("MEDIA_MONITOR_EXECUTOR") or ("multiprocess" if entity_workers() > 1 else "in_process")
    if kind not in EXECUTORS:
        raise ValueError(f"MEDIA_MONITOR_EXECUTOR={kind!r} is none of {', '.join(EXECUTORS)}")
    return kind


def celery_config() -> dict[str, Any]:
    """The Celery executor's configuration; workers must be started against the same broker
    (README, "Past one machine")."""
    return {
        "broker": os.environ.get("MEDIA_MONITOR_CELERY_BROKER", DEFAULT_BROKER),
        "backend": os.environ.get("MEDIA_MONITOR_CELERY_BACKEND", DEFAULT_BACKEND),
        "include": ["pipelines.definitions"],
        # One step per worker process at a time, acknowledged when it ends: a worker does not
        # hold a second entity worker step back while the first runs, and a step whose worker
        # died goes back to the queue.
        "config_source": {"worker_prefetch_multiplier": 1, "task_acks_late": True},
    }


class LockedExecutor(Executor):
    """Another executor, with the warehouse's run lock held around the whole run."""

    def __init__(self, inner: Executor, lock_anchor: Path):
        self._inner = inner
        self._lock_anchor = lock_anchor

    @property
    def retries(self):
        return self._inner.retries

    def __getattr__(self, name: str) -> Any:  # e.g. the Celery executor's app_args
        return getattr(self._inner, name)

    def execute(self, plan_context, execution_plan):
        lock = RunLock(self._lock_anchor)
        lock.acquire(plan_context.run_id, plan_context.instance, plan_context.log)
        try:
            yield from self._inner.execute(plan_context, execution_plan)
        finally:
            lock.release()


def locked(inner: dg.ExecutorDefinition, lock_anchor: Path) -> dg.ExecutorDefinition:
    return dg.ExecutorDefinition(
        name=inner.name,
        config_schema=inner.config_schema,
        requirements=inner._requirements_fn,  # noqa: SLF001 - the inner executor's own requirements
        executor_creation_fn=lambda init_context: LockedExecutor(inner.executor_creation_fn(init_context), lock_anchor),
        description=f"{inner.description or inner.name} (holding the warehouse run lock for the whole run)",
    )


def pipeline_executor(lock_anchor: Path) -> dg.ExecutorDefinition:
    """The executor of `media_pipeline`, from the settings."""
    kind = executor_kind()
    if kind == "in_process":
        return dg.in_process_executor  # the warehouse resource takes the run lock itself
    if kind == "multiprocess":
        inner = dg.multiprocess_executor.configured({
            # Step processes fork from a server that has imported the project once: a step
            # starts in a fraction of a second instead of importing Dagster, spaCy and polars.
            "start_method": {"forkserver": {"preload_modules": ["pipelines.definitions"]}},
        }, name="multiprocess")
        return locked(inner, lock_anchor)
    from dagster_celery import celery_executor

    return locked(celery_executor.configured(celery_config(), name="celery"), lock_anchor)
