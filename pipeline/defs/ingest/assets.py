"""Ingest: the inventory of the raw folder, one row per file (SPEC's `reports`, before counts)."""


import dagster as dg
import polars as pl

from pipeline.defs.cache_policy import reuse_cached
from pipeline.defs.errors import user_errors
from pipeline.defs.metadata import table_metadata
from pipeline.lib.inventory import build_inventory
from pipeline.lib.paths import inventory_cache, raw_dir


@dg.asset(
    group_name="ingest",
    kinds={"polars"},
    description="Every file of the raw folder (GOVREPORT_RAW): hash, detected encoding, metadata from "
                "the manifest or inferred from the text, and `quarantined` with a reason for files that "
                "are empty, binary, undecodable or duplicates.",
    check_specs=[dg.AssetCheckSpec("all_files_usable", asset="reports",
                                   description="Warns when a raw file had to be quarantined.")],
)
def reports(context: dg.AssetExecutionContext):
    raw = raw_dir()
    with user_errors(context):
        frame = build_inventory(raw, cache=inventory_cache() if reuse_cached(context) else None)
    quarantined = frame.filter(pl.col("status") == "quarantined")
    for row in quarantined.iter_rows(named=True):
        context.log.warning(f"{row['source_file']} quarantined: {row['reason']}")
    reasons = {row["source_file"]: row["reason"] for row in quarantined.iter_rows(named=True)}
    return dg.MaterializeResult(
        value=frame,
        metadata=table_metadata(frame, raw_folder=str(raw), n_ok=frame.height - quarantined.height,
                                n_quarantined=quarantined.height,
                                quarantined=dg.MetadataValue.json(reasons)),
        check_results=[dg.AssetCheckResult(
            check_name="all_files_usable", passed=quarantined.is_empty(),
            severity=dg.AssetCheckSeverity.WARN, metadata={"n_quarantined": quarantined.height,
                                                           "reasons": dg.MetadataValue.json(reasons)})],
    )
