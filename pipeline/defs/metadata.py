"""The metadata every materialization shows in the UI: row count, schema, and a preview."""

from __future__ import annotations

from typing import Any

import dagster as dg
import polars as pl

from pipeline.lib.frames import Frame

_TYPE_NAMES = {pl.String: "string", pl.Int64: "int64", pl.Int32: "int32", pl.Float64: "float64",
               pl.Boolean: "bool", pl.Date: "date"}
PREVIEW_ROWS = 5
PREVIEW_CHARS = 40


def column_schema(frame: Frame, descriptions: dict[str, str] | None = None) -> dg.TableSchema:
    """`dagster/column_schema`, so that a change of columns shows in the UI."""
    descriptions = descriptions or {}
    return dg.TableSchema(columns=[
        dg.TableColumn(name, _TYPE_NAMES.get(dtype, str(dtype)), description=descriptions.get(name))
        for name, dtype in frame.collect_schema().items()
    ])


def preview(frame: Frame, rows: int = PREVIEW_ROWS) -> dg.MetadataValue:
    """The first rows as a markdown table, long texts cut so the table stays readable."""
    head = frame.lazy().head(rows).collect()
    def cell(v: Any) -> str:
        s = "" if v is None else str(v)
        s = s.replace("|", "\\|").replace("\n", " ")
        return s if len(s) <= PREVIEW_CHARS else s[: PREVIEW_CHARS - 1] + "…"
    lines = ["| " + " | ".join(head.columns) + " |", "|" + "---|" * len(head.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in head.iter_rows()]
    return dg.MetadataValue.md("\n".join(lines))


def table_metadata(frame: Frame, descriptions: dict[str, str] | None = None,
                   **extra: Any) -> dict[str, Any]:
    """Row count, column schema and preview for one table, plus whatever else the asset adds. A
    scan is counted and previewed without being read whole."""
    return {
        "dagster/row_count": frame.lazy().select(pl.len()).collect().item(),
        "dagster/column_schema": column_schema(frame, descriptions),
        "preview": preview(frame),
        **extra,
    }
