"""The data dictionary, generated from the schemas so that the docs cannot drift from the data.

`data_dictionary_frame()` is published as the `data_dictionary` table; `render_markdown()` is the
page `schemas/DATA_DICTIONARY.md` (a test fails when the committed page is out of date; rewrite it
with `python -m schemas.docs`).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandera.polars as pa
import polars as pl

from schemas.tables import CROSS_TABLE_CHECKS, TABLES, TableSpec, column_dtypes

DATA_DICTIONARY_PATH = Path(__file__).with_name("DATA_DICTIONARY.md")

_SQL_TYPES: dict[type[pl.DataType], str] = {
    pl.String: "VARCHAR",
    pl.Int64: "BIGINT",
    pl.Int32: "INTEGER",
    pl.Float64: "DOUBLE",
    pl.Boolean: "BOOLEAN",
    pl.Date: "DATE",
}


def sql_type(dtype: pl.DataType) -> str:
    """The DuckDB type a polars dtype becomes (`List(String)` → `VARCHAR[]`)."""
    if isinstance(dtype, pl.List):
        return sql_type(dtype.inner) + "[]"
    return _SQL_TYPES[dtype.base_type()]


def column_checks(spec: TableSpec, column: str) -> list[str]:
    """Names of every check on one column, as they appear in the quarantine table."""
    schema: pa.DataFrameSchema = spec.model.to_schema()
    col = schema.columns[column]
    names = [] if col.nullable else ["not_nullable"]
    if col.unique:
        names.append("field_uniqueness")
    names += [check.error or check.name for check in col.checks]
    if schema.unique and column in schema.unique:
        names.append("multiple_fields_uniqueness")
    return names


def table_checks(spec: TableSpec) -> list[tuple[str, str]]:
    """Row checks across columns (name, description): the model's and the cross-table ones."""
    schema = spec.model.to_schema()
    out = [(check.name, " ".join((check.description or "").split())) for check in schema.checks]
    out += [(name, desc) for name, (_, desc) in CROSS_TABLE_CHECKS.get(spec.name, {}).items()]
    return out


def data_dictionary_frame() -> pl.DataFrame:
    """One row per column of every published table and view, in publishing order."""
    rows = []
    for spec in TABLES.values():
        schema = spec.model.to_schema()
        for ordinal, (name, col) in enumerate(schema.columns.items(), start=1):
            rows.append({
                "table_name": spec.name,
                "table_kind": spec.kind,
                "table_description": schema.description,
                "ordinal": ordinal,
                "column_name": name,
                "column_type": sql_type(col.dtype.type),
                "nullable": bool(col.nullable),
                "description": col.description,
                "checks": "; ".join(column_checks(spec, name)) or None,
            })
    return pl.DataFrame(rows, schema=column_dtypes("data_dictionary"))


def render_markdown() -> str:
    """The data dictionary page: every table, its columns and its checks."""
    lines = [
        "# Data dictionary",
        "",
        "<!-- Generated from schemas/tables.py by `python -m schemas.docs`: do not edit by hand. -->",
        "",
        "Every table is published as `warehouse/parquet/<table>.parquet` and as a table or view of",
        "`warehouse/govreport.duckdb` (where these descriptions are the `COMMENT`s). A row that fails a",
        "check is moved to `quarantine` with the check's name.",
        "",
    ]
    for spec in TABLES.values():
        schema = spec.model.to_schema()
        lines += [f"## `{spec.name}` ({spec.kind})", "", schema.description, "",
                  f"Key: {', '.join(f'`{k}`' for k in spec.key)}. Rows are sorted by "
                  f"{', '.join(f'`{k}`' for k in spec.sort_by)}.", "",
                  "| column | type | null | meaning | checks |", "|---|---|---|---|---|"]
        for name, col in schema.columns.items():
            checks = ", ".join(f"`{c}`" for c in column_checks(spec, name) if c != "not_nullable")
            lines.append(f"| `{name}` | {sql_type(col.dtype.type)} | {'yes' if col.nullable else 'no'} "
                         f"| {_cell(col.description)} | {_cell(checks)} |")
        row_checks = table_checks(spec)
        if row_checks:
            lines += ["", "Row checks:", ""]
            lines += [f"- `{name}`: {_cell(desc)}" for name, desc in row_checks]
        lines.append("")
    return "\n".join(lines)


def _cell(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ")


def write_markdown(path: Path = DATA_DICTIONARY_PATH) -> Path:
    """Rewrite the committed page from the schemas."""
    path.write_text(render_markdown(), encoding="utf-8")
    return path


if __name__ == "__main__":  # pragma: no cover
    sys.stdout.write(f"wrote {write_markdown()}\n")
