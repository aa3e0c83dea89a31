"""The data-quality checks, on a warehouse the real pipeline filled from a tmp landing folder."""

import dagster as dg

from pipelines.checks import articles_have_bodies, articles_mostly_dated, every_landing_file_accounted_for
from pipelines.definitions import all_assets


def test_checks_pass_after_a_run_and_catch_an_unprocessed_file(landing, resources):
    (landing / "wire.txt").write_text("date 2025-11-04\nBEIJING - Xi Jinping met Mikhail Mishustin on Tuesday.\n")
    (landing / "empty.txt").write_text("   \n")
    result = dg.materialize(all_assets + [every_landing_file_accounted_for, articles_have_bodies, articles_mostly_dated],
                            resources=resources)
    assert result.success
    evaluations = {e.check_name: e.passed for e in result.get_asset_check_evaluations()}
    assert evaluations == {"every_landing_file_accounted_for": True, "articles_have_bodies": True,
                           "articles_mostly_dated": True, "no_alerts_on_latest_day": True}

    (landing / "late.txt").write_text("A file dropped after the run.")
    late = every_landing_file_accounted_for(landing=resources["landing"], warehouse=resources["warehouse"])
    assert not late.passed
    assert late.metadata["unaccounted"].value == 1


def test_a_failed_error_check_fails_make_run_and_shows_in_its_summary(landing, tmp_path):
    """`make run` exits non-zero and names the check when an ERROR check fails (here an empty
    body planted in the warehouse, as a faulty earlier release could have left one)."""
    import os
    import subprocess
    import sys

    import polars as pl

    from tests.conftest import PROJECT_ROOT, store_articles
    from warehouse import db

    (landing / "wire.txt").write_text("date 2025-11-04\nBEIJING - Xi Jinping met Mikhail Mishustin on Tuesday.\n")
    warehouse = tmp_path / "w.duckdb"
    with db.write_connection(warehouse) as conn:
        store_articles(conn, pl.DataFrame({"article_id": ["old"], "source_path": ["gone.txt"], "body": [""]}))
        conn.execute("INSERT INTO raw_records (article_id, source_path, record_index, text) VALUES ('old', 'gone.txt', 0, '')")
    env = dict(os.environ, MEDIA_MONITOR_LANDING=str(landing), MEDIA_MONITOR_WAREHOUSE=str(warehouse),
               DAGSTER_HOME=str(tmp_path / "home"))
    run = subprocess.run([sys.executable, "-m", "pipelines.run"], cwd=PROJECT_ROOT, env=env,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 1, run.stderr[-2000:]
    assert "checks failed: articles_have_bodies" in run.stderr
    assert "FAILED checks: articles_have_bodies" in run.stdout
