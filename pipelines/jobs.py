"""The one job: every asset, in graph order. The sensor, the schedule and `make run` start it."""

import dagster as dg

media_pipeline = dg.define_asset_job(
    name="media_pipeline",
    # Exports rewrite whole tables to files: on demand (`make export`, the UI), not every run.
    selection=dg.AssetSelection.all() - dg.AssetSelection.assets("exports"),
    description="Ingest new landing files through to actor timelines, coverage and the analysts' copy.",
    executor_def=dg.in_process_executor,
)
