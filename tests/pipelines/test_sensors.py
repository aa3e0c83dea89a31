"""The landing sensor: one run request per change of the landing folder, none otherwise."""

import os

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
