"""Smoke test: the Definitions load without touching the warehouse, and everything resolves."""

import dagster as dg

from pipelines import definitions


def test_definitions_load_and_resolve():
    defs = definitions.defs
    job = defs.resolve_job_def("media_pipeline")
    keys = {key.to_user_string() for key in defs.resolve_asset_graph().get_all_asset_keys()}
    assert keys == {
        "raw_articles", "cleaned_articles", "entity_spans", "deduplicated_articles", "articles",
        "actors", "stories", "actor_timelines", "actor_coverage", "analyst_snapshot",
    }
    assert {node.name for node in job.nodes} >= {"articles", "actor_coverage"}
    assert defs.resolve_sensor_def("landing_sensor").default_status == dg.DefaultSensorStatus.RUNNING
    assert defs.resolve_schedule_def("daily_refresh").cron_schedule == "0 6 * * *"
    checks = {key.name for key in defs.resolve_asset_graph().asset_check_keys}
    assert checks == {"every_landing_file_accounted_for", "articles_have_bodies", "articles_mostly_dated"}


def test_every_warehouse_step_is_in_the_warehouse_pool():
    graph = definitions.defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        if key.to_user_string() != "cleaned_articles":
            assert node.pools == {"warehouse"}, key
