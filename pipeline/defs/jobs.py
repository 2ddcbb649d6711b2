"""The two ways to run the whole graph: a refresh that reuses every unchanged report, and a full rebuild.

Both select every asset. What differs is the cache: the per-report stages (normalize, extract)
keep the rows of reports whose fingerprint did not change (see `pipeline/lib/batch.py`), which is
what the sensor's `refresh_warehouse` runs want — one new report among thousands costs one
report's work. `full_rebuild` carries the run tag `FULL_REBUILD_TAG`, which tells those stages to
ignore their ledgers and recompute every report: the way to recover from a cache one no longer
trusts, or to measure the cost of the whole corpus. The same tag can be added to any run launched
from the UI's launchpad.
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
)

full_rebuild = dg.define_asset_job(
    name="full_rebuild",
    selection=dg.AssetSelection.all(),
    description="Every asset over every report, ignoring the per-report cache (run tag "
                f"`{FULL_REBUILD_TAG}=true`), then republishing the warehouse.",
    tags={"govreport/mode": "full_rebuild", FULL_REBUILD_TAG: "true"},
)
