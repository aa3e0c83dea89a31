"""The landing sensor: one run request per change of the landing folder, none otherwise."""

import os
import uuid

import dagster as dg

from pipelines.resources import LandingResource, WarehouseResource
from pipelines.sensors import landing_sensor


def evaluate(landing, cursor=None, instance=None):
    with dg.build_sensor_context(cursor=cursor, instance=instance, resources={
            "landing": LandingResource(path=str(landing)),
            "warehouse": WarehouseResource(path=str(landing.parent / "w.duckdb"))}) as context:
        return landing_sensor.evaluate_tick(context)


def test_empty_folder_requests_nothing(landing):
    result = evaluate(landing)
    assert result.run_requests == []
    assert "no files" in result.skip_message


def test_new_changed_and_unchanged_files(landing):
    (landing / "wire").mkdir()
    (landing / "wire" / "a.txt").write_text("date 2025-11-04\nBEIJING - Xi met Mishustin.\n")
    first = evaluate(landing)
    assert len(first.run_requests) == 1
    assert first.run_requests[0].run_key == first.cursor

    again = evaluate(landing, cursor=first.cursor)
    assert again.run_requests == []
    assert again.cursor == first.cursor

    (landing / "b.json").write_text('{"title": "t", "text": "Putin spoke."}')
    added = evaluate(landing, cursor=first.cursor)
    assert len(added.run_requests) == 1 and added.cursor != first.cursor

    stat = (landing / "b.json").stat()
    os.utime(landing / "b.json", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    touched = evaluate(landing, cursor=added.cursor)
    assert len(touched.run_requests) == 1 and touched.cursor not in {first.cursor, added.cursor}


def test_a_run_that_died_holding_the_lock_is_marked_failed(landing):
    """kill -9 of a run leaves it STARTED in the instance, which would hold the one-run queue
    forever; the sensor's next tick finds its lock released by the system and fails it."""
    from pipelines.runlock import RunLock, lock_path_for

    (landing / "a.txt").write_text("date 2025-11-04\nXi met Mishustin in Beijing.\n")
    with dg.instance_for_test() as instance:
        dead = str(uuid.uuid4())
        run = instance.create_run_for_job(dg.GraphDefinition(name="g").to_job(), run_id=dead)
        instance.handle_run_event(run.run_id, dg.DagsterEvent(
            event_type_value="PIPELINE_START", job_name=run.job_name, message="started"))
        assert instance.get_run_by_id(dead).status == dg.DagsterRunStatus.STARTED
        # what a killed run leaves: the lock file naming it, no process holding the lock
        lock = RunLock(landing.parent / "w.duckdb")
        lock.acquire(dead)
        lock.handle.close()  # the process "dies": the system drops its flock, the name stays
        assert dead in lock_path_for(landing.parent / "w.duckdb").read_text()

        result = evaluate(landing, instance=instance)
        assert len(result.run_requests) == 1
        assert instance.get_run_by_id(dead).status == dg.DagsterRunStatus.FAILURE
        # cleared once: the next tick finds nothing to clear
        assert lock_path_for(landing.parent / "w.duckdb").read_text() == ""
