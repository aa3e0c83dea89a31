"""The headless run behind `make run` and `make demo`: executes the `media_pipeline` job of
the project's Definitions (the same the UI shows) on the Dagster instance in $DAGSTER_HOME,
so the run is recorded and visible in the UI. Exits non-zero when a step fails.

    python -m pipelines.run [--summary]
"""

from __future__ import annotations

import argparse
import os
import sys

from pipelines.resources import PROJECT_ROOT


def failed_error_checks(result) -> list[str]:
    """Names of the asset checks of ERROR severity that failed in the run (WARN ones are only
    shown in the UI and the summary)."""
    import dagster as dg

    return sorted(e.check_name for e in result.get_asset_check_evaluations()
                  if not e.passed and e.severity == dg.AssetCheckSeverity.ERROR)


def _outcome(result) -> tuple[str, bool, list[str], list[str]]:
    """Run id, success, failed steps and failed ERROR checks of a finished run."""
    failed = [event.step_key for event in result.all_events if event.is_step_failure]
    return result.run_id, result.success, failed, failed_error_checks(result)


def summary(warehouse_path, exports_folder=None, failed_checks: list[str] | None = None) -> str:
    """A few lines on what the warehouse now holds."""
    from warehouse import db
    from warehouse.analytics_summary import analytics_summary

    with db.read_connection(warehouse_path) as conn:
        articles, dated, groups, stories = conn.execute(
            "SELECT count(*), count(published_date), count(DISTINCT dup_group_id), count(DISTINCT story_id) FROM articles"
        ).fetchone()
        rejected = conn.execute("SELECT count(*) FROM rejected_files").fetchone()[0]
        leaders = conn.execute(
            "SELECT name, actor_type, articles, mentions FROM actor_coverage ORDER BY articles DESC, mentions DESC, name LIMIT 10"
        ).fetchall()
        analytics = analytics_summary(conn, exports_folder)
        quotes, speakers = conn.execute("SELECT count(*), count(actor_id) FROM quotes").fetchone()
        quoted = conn.execute(
            "SELECT ac.name, count(*) AS n FROM quotes AS q JOIN actors AS ac USING (actor_id) "
            "GROUP BY ac.name ORDER BY n DESC, ac.name LIMIT 3").fetchall()
        toned = conn.execute(
            "SELECT name, round(sum(tone * mentions) / sum(mentions), 2) AS tone, sum(mentions) AS n FROM actor_tone "
            "GROUP BY name HAVING sum(mentions) >= 3 ORDER BY tone, name").fetchall()
    lines = [
        f"warehouse: {warehouse_path}",
        f"articles: {articles} ({dated} dated, {groups} duplicate groups, {stories} stories); rejected files: {rejected}",
        "leading actors (articles, mentions):",
    ]
    lines += [f"  {name} [{kind}]: {n_articles}, {n_mentions}" for name, kind, n_articles, n_mentions in leaders]
    lines += analytics
    lines.append(f"quotes: {quotes} ({speakers} with a speaker); most quoted: "
                 + (", ".join(f"{name} ({n})" for name, n in quoted) or "nobody yet"))
    if toned:
        lines.append(f"tone (mean of the sentences, actors with 3+ mentions): most negative {toned[0][0]} {toned[0][1]}, "
                     f"most positive {toned[-1][0]} {toned[-1][1]}")
    if failed_checks:
        lines.append(f"FAILED checks: {', '.join(failed_checks)} (details in the run's log and the UI)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--summary", action="store_true", help="print what the warehouse holds after the run")
    args = parser.parse_args(argv)

    os.environ.setdefault("DAGSTER_HOME", str(PROJECT_ROOT / ".dagster_home"))
    os.makedirs(os.environ["DAGSTER_HOME"], exist_ok=True)

    import dagster as dg

    from pipelines import definitions
    from pipelines.executors import executor_kind

    defs = definitions.defs
    run_config = {"loggers": {"console": {"config": {"log_level": os.environ.get("MEDIA_MONITOR_LOG_LEVEL", "INFO")}}}}
    with dg.DagsterInstance.get() as instance:
        if executor_kind() == "in_process":
            result = defs.resolve_job_def("media_pipeline").execute_in_process(
                instance=instance, raise_on_error=False, run_config=run_config)
            outcome = _outcome(result)
        else:
            # Steps in other processes (or on Celery workers) load the job by name.
            with dg.execute_job(dg.reconstructable(definitions.media_pipeline_job), instance=instance,
                                run_config=run_config, raise_on_error=False) as result:
                outcome = _outcome(result)
    run_id, success, failed, failed_checks = outcome
    if not success:
        print(f"run {run_id} failed in: {', '.join(failed) or 'unknown step'}", file=sys.stderr)
        return 1
    if failed_checks:
        print(f"run {run_id} finished, but these checks failed: {', '.join(failed_checks)}", file=sys.stderr)
    else:
        print(f"run {run_id} succeeded")
    if args.summary or failed_checks:
        print(summary(defs.resources["warehouse"].target, defs.resources["exports"].root, failed_checks))
    return 1 if failed_checks else 0


if __name__ == "__main__":
    sys.exit(main())
