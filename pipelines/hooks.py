"""What runs after each step of a run, whichever job (`media_pipeline`, or the UI's own for a
selection of assets) executes it: every asset of the Definitions carries these hooks."""

import dagster as dg

from assets.progress import peak_mib, resident_mib


@dg.success_hook(required_resource_keys={"warehouse"})
def release_memory(context: dg.HookContext) -> None:
    """After each step: a run's steps share one process and one warehouse connection (the
    in-process executor), so what a step cached and freed is given back before the next one
    starts (WarehouseResource.release_memory), and the log says how much, and which step set
    the run's peak: the process's peak so far, marked when this step raised it."""
    before, peak = resident_mib(), peak_mib()
    if context.resources.warehouse.release_memory():
        previous = _LAST_PEAK.get(context.run_id)
        raised = " (raised by this step)" if previous is None or peak > previous else ""
        _LAST_PEAK.clear()
        _LAST_PEAK[context.run_id] = peak
        # What DuckDB still holds after giving back (table blocks up to the floor, indexes and
        # rows not checkpointed yet) says which part of what stays resident between steps is
        # the warehouse's (at most 31 MiB after each step of a 100k load: docs/performance.md).
        held = context.resources.warehouse.held_memory()
        duckdb_part = ", ".join(f"{tag} {mib:,.0f}" for tag, mib in held.items()) or "nothing of 1 MiB or more"
        context.log.info(f"{context.step_key}: {before:,.0f} MiB resident at its end, {resident_mib():,.0f} MiB "
                         f"after giving back what it cached; the process's peak so far {peak:,.0f} MiB{raised}; "
                         f"DuckDB holds (MiB) {duckdb_part}")


# The process's peak after the last step it executed, by run id.
_LAST_PEAK: dict[str, float] = {}


STEP_HOOKS = {release_memory}
