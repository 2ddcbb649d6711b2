"""The metadata every materialization shows in the UI: row count, schema, and a preview."""

from __future__ import annotations

from typing import Any

import dagster as dg
import polars as pl

_TYPE_NAMES = {pl.String: "string", pl.Int64: "int64", pl.Int32: "int32", pl.Float64: "float64",
               pl.Boolean: "bool", pl.Date: "date"}
PREVIEW_ROWS = 5
PREVIEW_CHARS = 40


def column_schema(frame: pl.DataFrame, descriptions: dict[str, str] | None = None) -> dg.TableSchema:
    """`dagster/column_schema`, so that a change of columns shows in the UI."""
    descriptions = descriptions or {}
    return dg.TableSchema(columns=[
        dg.TableColumn(name, _TYPE_NAMES.get(dtype, str(dtype)), description=descriptions.get(name))
        for name, dtype in frame.schema.items()
    ])


def preview(frame: pl.DataFrame, rows: int = PREVIEW_ROWS) -> dg.MetadataValue:
    """The first rows as a markdown table, long texts cut so the table stays readable."""
    head = frame.head(rows)
    def cell(v: Any) -> str:
        s = "" if v is None else str(v)
        s = s.replace("|", "\\|").replace("\n", " ")
        return s if len(s) <= PREVIEW_CHARS else s[: PREVIEW_CHARS - 1] + "…"
    lines = ["| " + " | ".join(head.columns) + " |", "|" + "---|" * len(head.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in head.iter_rows()]
    return dg.MetadataValue.md("\n".join(lines))


def table_metadata(frame: pl.DataFrame, descriptions: dict[str, str] | None = None,
                   **extra: Any) -> dict[str, Any]:
    """Row count, column schema and preview for one table, plus whatever else the asset adds."""
    return {
        "dagster/row_count": frame.height,
        "dagster/column_schema": column_schema(frame, descriptions),
        "preview": preview(frame),
        **extra,
    }
