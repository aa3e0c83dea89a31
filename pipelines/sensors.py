"""The landing-folder sensor: starts a run when the folder's listing changes.

The cursor is a fingerprint of the listing (path, size, modification time of every file), so
a tick costs one directory walk and no file reads; the run itself decides which files are new.
"""

from __future__ import annotations

import hashlib

import dagster as dg

from assets.ingest.scan import LandingFile, list_landing_files
from pipelines.jobs import media_pipeline
from pipelines.resources import LandingResource, WarehouseResource
from pipelines.runlock import reap_if_dead


def landing_fingerprint(listing: list[LandingFile]) -> str:
    """A digest of a landing listing: every file's path, size and modification time."""
    digest = hashlib.sha256()
    for entry in sorted(listing, key=lambda e: e.source_path):
        digest.update(f"{entry.source_path}\x1f{entry.size}\x1f{entry.mtime_ns}\n".encode())
    return digest.hexdigest()


@dg.sensor(
    job=media_pipeline,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Starts the pipeline when files are added to, changed in or removed from the landing folder.",
)
def landing_sensor(context: dg.SensorEvaluationContext, landing: LandingResource, warehouse: WarehouseResource):
    # A run killed with the machine would otherwise hold the one-run-at-a-time queue forever.
    cleared = reap_if_dead(warehouse.lock_anchor, lambda: context.instance, context.log)
    if cleared:
        context.log.warning(f"run {cleared} had died without finishing; marked failed")
    listing = list_landing_files(landing.root)
    if not listing:
        return dg.SkipReason(f"the landing folder {landing.root} has no files")
    fingerprint = landing_fingerprint(listing)
    if fingerprint == context.cursor:
        return dg.SkipReason("no change in the landing folder since the last run request")
    context.update_cursor(fingerprint)
    return dg.RunRequest(run_key=fingerprint, tags={"landing_files": str(len(listing))})
