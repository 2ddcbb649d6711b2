"""Whether a run may reuse the per-report rows of unchanged reports (see `pipeline/lib/batch.py`)."""

import dagster as dg

from pipeline.defs.jobs import FULL_REBUILD_TAG


def reuse_cached(context: dg.AssetExecutionContext) -> bool:
    """False in a `full_rebuild` run (or any run tagged `govreport/full_rebuild=true`)."""
    return context.run.tags.get(FULL_REBUILD_TAG, "").lower() != "true"
