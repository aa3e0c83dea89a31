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
        "raw_articles", "cleaned_articles", "entity_spans", "deduplicated_articles",
        "actors", "stories", "actor_timelines", "actor_coverage", "analyst_snapshot",
        "mention_tone", "actor_tone", "quotes",
        "outlets", "actor_share", "actor_alerts", "coverage_by_lean", "exports",
    }
    assert {node.name for node in job.nodes} >= {"cleaned_articles", "actor_coverage"}
    assert defs.resolve_sensor_def("landing_sensor").default_status == dg.DefaultSensorStatus.RUNNING
    assert defs.resolve_schedule_def("daily_refresh").cron_schedule == "0 6 * * *"
    checks = {key.name for key in defs.resolve_asset_graph().asset_check_keys}
    assert checks == {"every_landing_file_accounted_for", "articles_have_bodies", "articles_mostly_dated",
                      "no_alerts_on_latest_day"}


def test_runs_execute_in_one_process_and_hold_no_pool_slot():
    """A run's steps share one process (no per-step start-up) and no op-level pool: a killed
    run's pool slot would block every later run (the run lock and the run queue serialise
    runs instead)."""
    defs = definitions.defs
    assert defs.resolve_job_def("media_pipeline").executor_def is dg.in_process_executor
    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        assert not graph.get(key).pools, key


def test_every_asset_gives_back_its_memory_in_any_job():
    """The hook that releases what a step cached runs after every asset, in `media_pipeline` and
    in the UI's own job for a selection of assets."""
    from pipelines.hooks import release_memory

    for asset in definitions.all_assets:
        assert release_memory in asset.hook_defs, asset.key
    from dagster._core.definitions.dependency import NodeHandle

    for job in (definitions.defs.resolve_job_def("media_pipeline"), definitions.defs.resolve_implicit_global_asset_job_def()):
        steps = [node for node in job.nodes_in_topological_order if node.name in {a.node_def.name for a in definitions.all_assets}]
        assert len(steps) >= 16, job.name  # every asset (exports is not in media_pipeline); not the checks
        for node in steps:
            assert release_memory in job.get_all_hooks_for_handle(NodeHandle(node.name, None)), (job.name, node.name)


def test_the_instance_runs_one_pipeline_run_at_a_time():
    import yaml

    config = yaml.safe_load((PROJECT_ROOT / ".dagster_home" / "dagster.yaml").read_text())
    assert config["run_coordinator"]["class"] == "QueuedRunCoordinator"
    assert config["run_coordinator"]["config"]["max_concurrent_runs"] == 1
    assert "concurrency" not in config  # no op-level pool whose slot a killed run could keep
    assert config["run_monitoring"]["enabled"] is True


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


def test_loading_the_definitions_imports_no_heavy_library():
    """spaCy, datasketch (with scipy's integrators), trafilatura and py3langid cost about two
    seconds at every process start; they are imported where they are used, so that a run with
    nothing new (and the code server) never pays for them."""
    heavy = ("spacy", "datasketch", "trafilatura", "py3langid", "scipy.integrate")
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, pipelines.definitions; "
         f"print(','.join(m for m in {heavy!r} if m in sys.modules))"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, check=True, timeout=300).stdout.strip()
    assert loaded == ""
