"""Publish: Parquet files and one DuckDB file, built aside and swapped in whole (issue 5)."""

import dagster as dg
import polars as pl

from pipeline.defs.cache_policy import reuse_cached
from pipeline.defs.errors import user_errors
from pipeline.lib.paths import warehouse_dir
from pipeline.lib.publish import publish_warehouse
from pipeline.lib.validate import REPORT_HASHES


@dg.asset(
    group_name="publish",
    kinds={"parquet", "duckdb"},
    pool="duckdb",
    description="The published warehouse: parquet/<table>.parquet and govreport.duckdb with the same "
                "tables, the views target_vs_actual and indicator_series, a data_dictionary and the "
                "quarantine. Built beside the old one and swapped in only when complete.",
)
def warehouse(context: dg.AssetExecutionContext, validated_tables: dict[str, pl.LazyFrame],
              quarantine: pl.DataFrame):
    target = warehouse_dir()
    tables = dict(validated_tables)
    hashes = tables.pop(REPORT_HASHES, None)
    with user_errors(context):
        result = publish_warehouse({**tables, "quarantine": quarantine}, target, reuse=reuse_cached(context),
                                   known_hashes=None if hashes is None else hashes.collect())
    files = {name: str(path) for name, path in sorted(result.parquet.items())}
    return dg.MaterializeResult(metadata={
        "warehouse": dg.MetadataValue.path(str(target)),
        "duckdb": dg.MetadataValue.path(str(result.duckdb_path)),
        "parquet_files": dg.MetadataValue.json(files),
        "row_counts": dg.MetadataValue.json(result.row_counts),
        "size_bytes": result.n_bytes,
        "n_quarantined": quarantine.height,
        "duckdb_build": result.duckdb_build,
        **({} if result.reports_replaced is None else {"reports_replaced": result.reports_replaced}),
    })
