"""The run lock with steps in several processes: a step of the run that holds the lock goes on,
a step of another run waits; the executor of the settings; the entity workers' shares."""

import threading
import time

import pytest

from assets.entities import entity_spans_in_workers, share_of
from pipelines import executors
from pipelines.runlock import RunLock


def test_a_step_of_the_holding_run_goes_on_and_another_run_waits(tmp_path):
    anchor = tmp_path / "lake-data"
    holder = RunLock(anchor)
    holder.acquire("run-a")  # the run's executor
    step = RunLock(anchor)
    step.acquire("run-a")  # one of its step processes: does not wait
    assert step.handle is None
    step.release()

    other, got = RunLock(anchor), threading.Event()

    def second_run():
        other.acquire("run-b")
        got.set()

    thread = threading.Thread(target=second_run, daemon=True)
    thread.start()
    time.sleep(0.5)
    assert not got.is_set(), "another run waits while run-a holds the lock"
    holder.release()
    assert got.wait(10)
    other.release()
    thread.join(5)


def test_the_executor_follows_the_settings(monkeypatch, tmp_path):
    monkeypatch.delenv("MEDIA_MONITOR_EXECUTOR", raising=False)
    monkeypatch.delenv("MEDIA_MONITOR_ENTITY_WORKERS", raising=False)
    assert executors.executor_kind() == "in_process"
    assert executors.pipeline_executor(tmp_path).name == "in_process"
    monkeypatch.setenv("MEDIA_MONITOR_ENTITY_WORKERS", "3")
    assert executors.executor_kind() == "multiprocess"
    assert executors.pipeline_executor(tmp_path).name == "multiprocess"
    monkeypatch.setenv("MEDIA_MONITOR_EXECUTOR", "celery")
    assert executors.pipeline_executor(tmp_path).name == "celery"
    monkeypatch.setenv("MEDIA_MONITOR_EXECUTOR", "threads")
    with pytest.raises(ValueError):
        executors.executor_kind()


def test_entity_worker_shares_are_disjoint_stable_and_balanced():
    hashes = [f"{i:064x}" for i in range(3000)]
    shares = [share_of(h, 3) for h in hashes]
    assert shares == [share_of(h, 3) for h in hashes]
    counts = [shares.count(k) for k in range(3)]
    assert min(counts) > 900, counts
    graph = entity_spans_in_workers(3)
    assert graph.key.to_user_string() == "entity_spans"
    assert sorted(graph.node_def.node_dict) == ["entity_worker_0", "entity_worker_1", "entity_worker_2", "entity_workers_done"]
