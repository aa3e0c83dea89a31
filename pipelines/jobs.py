"""The one job: every asset, in graph order. The sensor, the schedule and `make run` start it."""

import dagster as dg

from pipelines.executors import pipeline_executor
from pipelines.resources import resources_from_env


def media_pipeline_job(executor_def: dg.ExecutorDefinition = dg.in_process_executor):
    """The job with the given executor."""
    return dg.define_asset_job(
        name="media_pipeline",
        # Exports rewrite whole tables to files: on demand (`make export`, the UI), not every run.
        selection=dg.AssetSelection.all() - dg.AssetSelection.assets("exports"),
        description="Ingest new landing files through to actor timelines, coverage and the analysts' copy.",
        executor_def=executor_def,
    )


# The executor of the settings (pipelines/executors.py): in one process unless told otherwise.
executor = pipeline_executor(resources_from_env()["warehouse"].lock_anchor)
media_pipeline = media_pipeline_job(executor)
