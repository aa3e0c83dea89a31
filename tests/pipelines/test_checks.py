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
    late = every_landing_file_accounted_for(dg.build_asset_check_context(), landing=resources["landing"],
                                            warehouse=resources["warehouse"])
    assert not late.passed
    assert late.metadata["unaccounted"].value == 1
    assert late.metadata["listed_by"].value == "this check"  # ingest did not run: the check walks the folder


def _landing_check(result):
    return next(e for e in result.get_asset_check_evaluations() if e.check_name == "every_landing_file_accounted_for")


def test_the_check_reads_the_listing_ingest_stored_in_the_same_run(landing, resources):
    from warehouse import db

    (landing / "wire.txt").write_text("date 2025-11-04\nBEIJING - Xi Jinping met Mikhail Mishustin on Tuesday.\n")
    (landing / "sub").mkdir()
    (landing / "sub" / "empty.txt").write_text("   \n")
    checks = all_assets + [every_landing_file_accounted_for]
    first = dg.materialize(checks, resources=resources)
    check = _landing_check(first)
    assert check.passed
    assert (check.metadata["landing_files"].value, check.metadata["listed_by"].value) == (2, "raw_articles in this run")
    with db.read_connection(resources["warehouse"].file) as conn:
        stored = conn.execute("SELECT source_path, listed_at FROM landing_listing ORDER BY 1").fetchall()
    assert [p for p, _ in stored] == ["sub/empty.txt", "wire.txt"]
    # Nothing new: the listing is not written again, and the check still reads it.
    again = dg.materialize(checks, resources=resources)
    assert _landing_check(again).passed and _landing_check(again).metadata["listed_by"].value == "raw_articles in this run"
    with db.read_connection(resources["warehouse"].file) as conn:
        assert conn.execute("SELECT source_path, listed_at FROM landing_listing ORDER BY 1").fetchall() == stored


def test_the_same_run_check_catches_a_listed_file_that_ingest_left_out(landing, resources, monkeypatch):
    """A faulty ingest that lists a file but neither loads nor rejects it: the check, reading
    that run's stored listing instead of the folder, still names the file."""
    import assets.ingest as ingest

    (landing / "wire.txt").write_text("date 2025-11-04\nBEIJING - Xi Jinping met Mikhail Mishustin on Tuesday.\n")
    (landing / "forgotten.txt").write_text("date 2025-11-05\nA second report that a bug never reads.\n")
    real = ingest.pending_files
    monkeypatch.setattr(ingest, "pending_files",
                        lambda listing, ledger: [f for f in real(listing, ledger) if f.source_path != "forgotten.txt"])
    result = dg.materialize(all_assets + [every_landing_file_accounted_for], resources=resources)
    check = _landing_check(result)
    assert not check.passed
    assert check.metadata["listed_by"].value == "raw_articles in this run"
    assert check.metadata["unaccounted"].value == 1 and "forgotten.txt" in check.metadata["examples"].value


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
