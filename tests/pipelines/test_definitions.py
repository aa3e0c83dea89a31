"""Smoke test: the Definitions load without touching the warehouse, and everything resolves."""

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg

from pipelines import definitions
from tests.conftest import PROJECT_ROOT


def test_definitions_load_and_resolve():
    defs = definitions.defs
    job = defs.resolve_job_def("media_pipeline")
    keys = {key.to_user_string() for key in defs.resolve_asset_graph().get_all_asset_keys()}
    assert keys == {
        "raw_articles", "cleaned_articles", "entity_spans", "deduplicated_articles", "articles",
        "actors", "stories", "actor_timelines", "actor_coverage", "analyst_snapshot",
        "outlets", "actor_share", "actor_alerts", "coverage_by_lean", "exports",
    }
    assert {node.name for node in job.nodes} >= {"articles", "actor_coverage"}
    assert defs.resolve_sensor_def("landing_sensor").default_status == dg.DefaultSensorStatus.RUNNING
    assert defs.resolve_schedule_def("daily_refresh").cron_schedule == "0 6 * * *"
    checks = {key.name for key in defs.resolve_asset_graph().asset_check_keys}
    assert checks == {"every_landing_file_accounted_for", "articles_have_bodies", "articles_mostly_dated",
                      "no_alerts_on_latest_day"}


def test_every_warehouse_step_is_in_the_warehouse_pool():
    graph = definitions.defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        assert graph.get(key).pools == {"warehouse"}, key


def test_dagster_cli_validates_the_workspace(tmp_path):
    """`make ui` loads workspace.yaml; Dagster's own CLI must accept it."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    result = subprocess.run(
        [str(Path(sys.executable).with_name("dagster")), "definitions", "validate", "-w", "workspace.yaml"],
        cwd=PROJECT_ROOT, env=dict(os.environ, DAGSTER_HOME=str(home)), capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Validation successful for code location media_monitor" in result.stderr + result.stdout
