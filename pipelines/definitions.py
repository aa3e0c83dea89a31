"""The one `dg.Definitions` of the project: what the Dagster UI shows and `make run` executes.

Asset graph: raw_articles -> cleaned_articles -> entity_spans -> actors, cleaned_articles ->
deduplicated_articles; actors + deduplicated_articles -> stories -> actor_timelines ->
actor_coverage -> analyst_snapshot;
actors -> mention_tone -> actor_tone, and actors -> quotes. Each asset reads warehouse tables and writes its own.
Every run executes in one process (the in-process executor): the steps share one warehouse run
lock anyway, so separate step processes would only reload Python, Dagster and spaCy each time;
entity extraction fans out over processes of its own.
Past one machine (README): with several entity workers (MEDIA_MONITOR_ENTITY_WORKERS, on a
DuckLake) `entity_spans` is a graph of one op per worker, and the job's executor
(MEDIA_MONITOR_EXECUTOR: multiprocess or celery, pipelines/executors.py) runs them at once.
Nothing is opened here: loading this module never touches the warehouse or spaCy.
"""

import dagster as dg

from assets import actors, analytics, attention, clean, dedup, entities, exports, ingest, lean, outlets, quotes, stories, tone
from pipelines.checks import quality_checks
from pipelines.executors import entity_workers, executor_kind
from pipelines.hooks import STEP_HOOKS
from pipelines.jobs import executor, media_pipeline
from pipelines.resources import resources_from_env
from pipelines.schedules import daily_refresh
from pipelines.sensors import landing_sensor

resources = resources_from_env()
warehouse = resources["warehouse"]
if executor_kind() != "in_process" and not warehouse.on_lake:
    raise ValueError("several step processes write at once only on a DuckLake: set MEDIA_MONITOR_WAREHOUSE_KIND=ducklake "
                     "(README, \"Past one machine\"), or MEDIA_MONITOR_EXECUTOR=in_process")
if executor_kind() != "in_process" and not warehouse.ducklake_catalog.startswith("postgres:"):
    raise ValueError("several processes write a DuckLake only with its catalog in PostgreSQL "
                     "(MEDIA_MONITOR_DUCKLAKE_CATALOG=postgres:...): a DuckDB catalog file has one writer")

# Each step gives back what it cached when it ends (pipelines/hooks.py), in any job.
all_assets = [asset.with_hooks(STEP_HOOKS) for asset in (
    ingest.raw_articles,
    clean.cleaned_articles,
    entities.entity_spans if entity_workers() == 1 else entities.entity_spans_in_workers(entity_workers()),
    dedup.deduplicated_articles,
    actors.actors,
    stories.stories,
    analytics.actor_timelines,
    analytics.actor_coverage,
    analytics.analyst_snapshot,
    tone.mention_tone,
    tone.actor_tone,
    quotes.quotes,
    outlets.outlets,
    attention.actor_share,
    attention.actor_alerts,
    lean.coverage_by_lean,
    exports.exports,
)]

defs = dg.Definitions(
    assets=all_assets,
    asset_checks=quality_checks,
    jobs=[media_pipeline],
    schedules=[daily_refresh],
    sensors=[landing_sensor],
    resources=resources,
    executor=executor,
)


def media_pipeline_job() -> dg.JobDefinition:
    """The job, for `dg.reconstructable`: step processes (and Celery workers) load it by name."""
    return defs.resolve_job_def("media_pipeline")
