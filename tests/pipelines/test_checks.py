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
