"""The one job: every asset, in graph order. The sensor, the schedule and `make run` start it."""

import dagster as dg

from assets.progress import resident_mib
from pipelines.executors import pipeline_executor
from pipelines.resources import resources_from_env


@dg.success_hook(required_resource_keys={"warehouse"})
def release_memory(context: dg.HookContext) -> None:
    """After each step: the run's steps share one process and one warehouse connection (the
    in-process executor), so what a step cached and freed is given back before the next one
    starts (WarehouseResource.release_memory)."""
    before = resident_mib()
    if context.resources.warehouse.release_memory():
        context.log.info(f"{context.step_key}: {before:,.0f} MiB resident at its end, {resident_mib():,.0f} MiB "
                         "after giving back what it cached")


def media_pipeline_job(executor_def: dg.ExecutorDefinition = dg.in_process_executor):
    """The job with the given executor."""
    return dg.define_asset_job(
        name="media_pipeline",
        # Exports rewrite whole tables to files: on demand (`make export`, the UI), not every run.
        selection=dg.AssetSelection.all() - dg.AssetSelection.assets("exports"),
        description="Ingest new landing files through to actor timelines, coverage and the analysts' copy.",
        executor_def=executor_def,
        hooks={release_memory},
    )


# The executor of the settings (pipelines/executors.py): in one process unless told otherwise.
executor = pipeline_executor(resources_from_env()["warehouse"].lock_anchor)
media_pipeline = media_pipeline_job(executor)
