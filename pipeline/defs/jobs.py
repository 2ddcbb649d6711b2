"""The two ways to run the whole graph: a refresh that reuses every unchanged report, and a full rebuild.

Both select every asset. What differs is the cache: the per-report stages (normalize, extract)
keep the rows of reports whose fingerprint did not change (see `pipeline/lib/batch.py`), which is
what the sensor's `refresh_warehouse` runs want — one new report among thousands costs one
report's work. `full_rebuild` carries the run tag `FULL_REBUILD_TAG`, which tells those stages to
ignore their ledgers and recompute every report: the way to recover from a cache one no longer
trusts, or to measure the cost of the whole corpus. The same tag can be added to any run launched
from the UI's launchpad.

Both run in one process (`in_process_executor`), and so does every other run of the project,
"Materialize all" in the UI included (the `executor` definitions below). The graph is a chain —
reports, normalize, facts, validate, publish — so Dagster's default executor, one process per
step, buys no parallelism here; it only pays a Python start-up and a code load per step (15-40 s
each on a busy two-core CI machine: measured, a "Materialize all" of the five seeds took 2 min
with it, ~10 s of which was work). The parallelism that matters, across reports, is inside the
stages (`batch.run_batches`).
"""

import dagster as dg

FULL_REBUILD_TAG = "govreport/full_rebuild"
"""Run tag: when "true", per-report stages recompute every report instead of reusing cached rows."""

refresh_warehouse = dg.define_asset_job(
    name="refresh_warehouse",
    selection=dg.AssetSelection.all(),
    description="Every asset, recomputing only the reports whose bytes or metadata changed since the "
                "previous run, then republishing the warehouse. Started by `raw_folder_sensor` when a "
                "file of the raw folder is added, changed or removed.",
    tags={"govreport/mode": "refresh"},
    executor_def=dg.in_process_executor,
)

full_rebuild = dg.define_asset_job(
    name="full_rebuild",
    selection=dg.AssetSelection.all(),
    description="Every asset over every report, ignoring the per-report cache (run tag "
                f"`{FULL_REBUILD_TAG}=true`), then republishing the warehouse.",
    tags={"govreport/mode": "full_rebuild", FULL_REBUILD_TAG: "true"},
    executor_def=dg.in_process_executor,
)


@dg.definitions
def jobs() -> dg.Definitions:
    """Both jobs, and the project's default executor (one process per run, see above).

    A module with a `@dg.definitions` function contributes only what that function returns, so
    the jobs are listed here rather than picked up as module attributes.
    """
    return dg.Definitions(jobs=[refresh_warehouse, full_rebuild], executor=dg.in_process_executor)
