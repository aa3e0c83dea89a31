"""A daily run, for landing folders filled by processes that the sensor may miss (network
mounts without reliable modification times); a run with nothing new changes nothing."""

import dagster as dg

from pipelines.jobs import media_pipeline

daily_refresh = dg.ScheduleDefinition(
    name="daily_refresh",
    job=media_pipeline,
    cron_schedule="0 6 * * *",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Processes whatever arrived in the landing folder, every day at 06:00.",
)
