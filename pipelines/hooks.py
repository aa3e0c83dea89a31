"""What runs after each step of a run, whichever job (`media_pipeline`, or the UI's own for a
selection of assets) executes it: every asset of the Definitions carries these hooks."""

import dagster as dg

from assets.progress import resident_mib


@dg.success_hook(required_resource_keys={"warehouse"})
def release_memory(context: dg.HookContext) -> None:
    """After each step: a run's steps share one process and one warehouse connection (the
    in-process executor), so what a step cached and freed is given back before the next one
    starts (WarehouseResource.release_memory), and the log says how much."""
    before = resident_mib()
    if context.resources.warehouse.release_memory():
        context.log.info(f"{context.step_key}: {before:,.0f} MiB resident at its end, {resident_mib():,.0f} MiB "
                         "after giving back what it cached")


STEP_HOOKS = {release_memory}
