"""Validate: every table against its pandera schema; failing rows move to `quarantine` (issue 5)."""

import dagster as dg
import polars as pl

from pipeline.defs.cache_policy import reuse_cached
from pipeline.defs.metadata import table_metadata
from pipeline.lib.assemble import published_reports
from pipeline.lib.paths import ledger_path, stored_frame
from pipeline.lib.validate import REPORT_HASHES, failures_summary, validate_tables
from pipeline.lib.validation_ledger import read_ledger, write_ledger
from schemas.tables import SOURCE_TABLES

_CHECKS = [dg.AssetCheckSpec(f"{table}_rows_valid", asset="validated_tables",
                             description=f"Every row of `{table}` passes its schema; failing rows are "
                                         "quarantined, not published.")
           for table in SOURCE_TABLES]


@dg.multi_asset(
    outs={
        "validated_tables": dg.AssetOut(
            group_name="validate", kinds={"polars", "pandera"},
            description="Every table users see, after its pandera schema (schemas/tables.py) and the "
                        "cross-table checks: only rows that pass. Beside them, `report_hashes`: a hash of "
                        "each report's rows in each per-report table left whole, for publishing."),
        "quarantine": dg.AssetOut(
            group_name="validate", kinds={"polars"},
            description="Rows that failed a check: table, row key, failing check, the offending value, "
                        "the whole row, and the run. Never dropped silently."),
    },
    check_specs=_CHECKS,
    name="validate",
)
def validate(context: dg.AssetExecutionContext, reports: pl.DataFrame, documents: pl.LazyFrame,
             sentences: pl.LazyFrame, normalization_edits: pl.LazyFrame, facts: pl.LazyFrame,
             indicators: pl.DataFrame):
    # The large tables as scans: validated one at a time, their valid rows streamed to their files.
    tables = {
        "reports": published_reports(reports, documents, sentences, facts),
        "documents": documents, "sentences": sentences, "normalization_edits": normalization_edits,
        "facts": facts, "indicators": indicators,
    }
    ledger = ledger_path("validate")
    result = validate_tables(tables, run_id=context.run.run_id,
                             ledger=read_ledger(ledger) if reuse_cached(context) else None)
    context.log.info(f"row checks skipped for {result.reports_skipped} report(s) unchanged since they passed")
    if result.n_quarantined:
        context.log.warning(failures_summary(result))
    counts = {name: check.n_quarantined for name, check in result.checks.items()}
    # A table validation left whole is its input's file, linked (not written again: ~2.6 s at 10,000).
    out = {name: stored_frame(name) if frame is tables[name] and isinstance(frame, pl.LazyFrame) else frame
           for name, frame in result.tables.items()}
    out[REPORT_HASHES] = result.report_hashes  # not a table: what publishing would otherwise hash again
    yield dg.Output(out, output_name="validated_tables", metadata={
        "rows_valid": dg.MetadataValue.json({n: c.n_valid for n, c in result.checks.items()}),
        "rows_quarantined": dg.MetadataValue.json(counts),
        "n_quarantined": result.n_quarantined,
        "reports_skipped": result.reports_skipped,
    })
    yield dg.Output(result.quarantine, output_name="quarantine",
                    metadata=table_metadata(result.quarantine, by_table=dg.MetadataValue.json(counts)))
    for name, check in result.checks.items():
        yield dg.AssetCheckResult(
            asset_key="validated_tables", check_name=f"{name}_rows_valid", passed=check.passed,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={"n_rows": check.n_rows, "n_quarantined": check.n_quarantined,
                      "failures_by_check": dg.MetadataValue.json(check.failures_by_check)})
    write_ledger(ledger, result.ledger)  # after the outputs are stored: they are what it vouches for
