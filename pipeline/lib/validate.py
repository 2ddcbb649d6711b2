"""Validation: every published table checked against its pandera model, failing rows quarantined.

Why not `drop_invalid_rows` or the dagster-pandera type: the first drops rows silently, the second
fails the whole step. Here validation is lazy (every failure collected), runs on collected frames
(pandera on a LazyFrame checks only the schema), and each failing row is *moved* to a `quarantine`
frame — table, row key, check, column, the offending value, the run, and the whole row as JSON —
so that the run can say how many and a person can see why.

Three kinds of failure:
- the table's shape is wrong (a column missing, a dtype that cannot be cast safely): nothing in
  it can be trusted, so `SchemaMismatchError` names the table and column and the run stops;
- a row breaks a check of its model (`schemas.tables`) or a cross-table check
  (`CROSS_TABLE_CHECKS`: span inside the report's text, evidence contains it, code in the
  dictionary…): the row goes to quarantine under the check's name;
- a row is an exact copy of an earlier one: the copy goes to quarantine as `duplicate_row`, the
  first stays (nothing is lost). Rows that share a key but differ all go: there is no telling
  which is right.
References between tables are checked against the tables as handed over: a quarantined report
does not drag its facts along, and a quarantined fact removes nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandera.polars as pa
import polars as pl
from pandera.config import ValidationDepth, config_context

from schemas.tables import (
    CROSS_TABLE_CHECKS,
    PERIOD_YEARS_AFTER,
    PERIOD_YEARS_BEFORE,
    RESULT_STATUSES,
    ROW_CHECK_COLUMNS,
    SOURCE_TABLES,
    TABLES,
    TableSpec,
)

VALIDATED_TABLES = (*SOURCE_TABLES, "target_vs_actual", "indicator_series")
DUPLICATE_ROW = "duplicate_row"
_FAILURE_SCHEMA = {"index": pl.Int64, "check": pl.String, "column": pl.String}


class SchemaMismatchError(ValueError):
    """A table's shape breaks the contract: a column is missing or has a dtype that cannot be cast."""


@dataclass(frozen=True)
class TableValidation:
    """What validation did to one table: counts for the run's metadata and the asset check."""

    table: str
    n_rows: int
    n_valid: int
    n_quarantined: int
    failures_by_check: dict[str, int] = field(default_factory=dict)
    dropped_columns: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        """True when no row of the table was quarantined."""
        return self.n_quarantined == 0


@dataclass(frozen=True)
class ValidationResult:
    """The valid tables (failing rows removed), the quarantine, and per-table counts."""

    tables: dict[str, pl.DataFrame]
    quarantine: pl.DataFrame
    checks: dict[str, TableValidation]
    run_id: str

    @property
    def n_quarantined(self) -> int:
        """Rows removed from all tables."""
        return sum(c.n_quarantined for c in self.checks.values())


def quarantine_schema() -> dict[str, pl.DataType]:
    """Column dtypes of the quarantine table, from its model."""
    return {name: col.dtype.type for name, col in TABLES["quarantine"].model.to_schema().columns.items()}


def empty_quarantine() -> pl.DataFrame:
    """A quarantine with no rows, for runs that had nothing to quarantine."""
    return pl.DataFrame(schema=quarantine_schema())


def validate_tables(tables: dict[str, pl.DataFrame], run_id: str, *,
                    references: dict[str, pl.DataFrame] | None = None) -> ValidationResult:
    """Validate every table, move failing rows to quarantine, return what is left.

    `tables` maps table names (`reports`, `documents`, `sentences`, `normalization_edits`,
    `facts`, `indicators`, and optionally the view tables) to collected frames. Cross-table checks
    need their other table: facts need reports, sentences, documents and indicators. It is taken
    from `tables`, else from `references` (tables only looked at, e.g. to validate `facts` alone).
    Raises `SchemaMismatchError` for a missing column or an uncastable dtype.
    """
    unknown = sorted(set(tables) - set(VALIDATED_TABLES))
    if unknown:
        raise ValueError(f"no schema for table(s) {unknown}: known tables are {list(VALIDATED_TABLES)}")
    conformed: dict[str, pl.DataFrame] = {}
    dropped: dict[str, tuple[str, ...]] = {}
    for name in VALIDATED_TABLES:
        if name in tables:
            conformed[name], dropped[name] = conform(name, tables[name])
    lookup = {**{name: conform(name, df)[0] for name, df in (references or {}).items() if name not in tables},
              **conformed}

    valid: dict[str, pl.DataFrame] = {}
    quarantined: list[pl.DataFrame] = []
    checks: dict[str, TableValidation] = {}
    for name, df in conformed.items():
        spec = TABLES[name]
        failures = pl.concat(
            [_duplicate_rows(df), _model_failures(spec, df), *_cross_table_failures(name, df, lookup)],
            how="vertical",
        )
        bad = failures["index"].unique()
        keep = ~pl.int_range(df.height, eager=True, dtype=pl.Int64).is_in(bad.implode())
        valid[name] = df.filter(keep)
        quarantined.append(_quarantine_rows(spec, df, failures, run_id))
        per_check = failures.unique(["index", "check"]).group_by("check").len().sort("check")
        checks[name] = TableValidation(
            table=name,
            n_rows=df.height,
            n_valid=valid[name].height,
            n_quarantined=bad.len(),
            failures_by_check=dict(per_check.iter_rows()),
            dropped_columns=dropped[name],
        )
    quarantine = pl.concat([empty_quarantine(), *quarantined], how="vertical")
    spec = TABLES["quarantine"]
    quarantine = quarantine.sort(list(spec.sort_by), nulls_last=True, maintain_order=True)
    return ValidationResult(tables=valid, quarantine=quarantine, checks=checks, run_id=run_id)


# --- the table's shape ------------------------------------------------------------------------


def conform(table: str, df: pl.DataFrame) -> tuple[pl.DataFrame, tuple[str, ...]]:
    """The frame with the model's columns, in its order, in its dtypes; and the columns dropped.

    Only lossless casts are made (a wider integer, an integer to a float, a whole float to an
    integer, an all-null column to anything, a categorical to a string): anything else would
    change the data behind the producer's back, so it raises `SchemaMismatchError`. An optional
    column that is absent (the dictionary's `direction`) is added as nulls so that the published
    schema never depends on the input.
    """
    spec = TABLES[table]
    columns = spec.model.to_schema().columns
    out = []
    for name, col in columns.items():
        target = col.dtype.type
        if name not in df.columns:
            if col.required:
                raise SchemaMismatchError(
                    f"table {table!r} has no column {name!r} ({col.description}); it has {df.columns}")
            out.append(pl.Series(name, [None] * df.height, dtype=target))
            continue
        out.append(_cast(table, df[name], target))
    extra = tuple(c for c in df.columns if c not in columns)
    return pl.DataFrame(out), extra


def _cast(table: str, series: pl.Series, target: pl.DataType) -> pl.Series:
    source = series.dtype
    if source == target:
        return series
    problem = None
    if source == pl.Null or series.null_count() == series.len():
        return series.cast(target)
    if isinstance(source, pl.List) and isinstance(target, pl.List):
        inner = series.explode()
        if inner.null_count() == inner.len() or inner.dtype in (pl.Categorical, pl.String):
            return series.cast(target)
        problem = "list items of another type"
    elif source.is_integer() and target.is_integer():
        try:
            return series.cast(target, strict=True)
        except pl.exceptions.InvalidOperationError:
            problem = "values out of range"
    elif source.is_integer() and target.is_float():
        return series.cast(target)
    elif source.is_float() and target.is_integer():
        values = series.drop_nulls()
        if bool((values.is_finite() & (values == values.floor())).all()):
            try:
                return series.cast(target, strict=True)
            except pl.exceptions.InvalidOperationError:
                problem = "values out of range"
        else:
            problem = "values that are not whole numbers"
    elif (source.is_float() and target == pl.Float64) or (
            isinstance(source, (pl.Categorical, pl.Enum)) and target == pl.String):
        return series.cast(target)
    detail = f" ({problem})" if problem else ""
    raise SchemaMismatchError(
        f"table {table!r}: column {series.name!r} is {source} and cannot be read as {target}{detail}")


# --- checks -------------------------------------------------------------------------------------


def _failures(index: pl.Series | list[int], check: str, column: str | None) -> pl.DataFrame:
    index = pl.Series("index", index, dtype=pl.Int64)
    return pl.DataFrame({"index": index, "check": [check] * index.len(), "column": [column] * index.len()},
                        schema=_FAILURE_SCHEMA)


def _failing(mask: pl.Series, check: str, column: str) -> pl.DataFrame:
    """Failures for the rows where `mask` is False (null counts as a failure)."""
    return _failures(mask.fill_null(False).not_().arg_true(), check, column)


def _duplicate_rows(df: pl.DataFrame) -> pl.DataFrame:
    if df.height == 0:
        return _failures([], DUPLICATE_ROW, None)
    return _failing(_first_copies(df), DUPLICATE_ROW, None)


def _first_copies(df: pl.DataFrame) -> pl.Series:
    """True for each row that is not an exact copy of an earlier row."""
    if df.height == 0:
        return pl.Series([], dtype=pl.Boolean)
    return df.select(pl.struct(pl.all()).is_first_distinct()).to_series()


def _model_failures(spec: TableSpec, df: pl.DataFrame) -> pl.DataFrame:
    """Every failure of the pandera model, as (row index, check, column)."""
    # Exact copies are already quarantined as `duplicate_row`: checking uniqueness on the frame
    # with them would quarantine the first copy too.
    first = _first_copies(df)
    positions = first.arg_true().cast(pl.Int64)
    schema: pa.DataFrameSchema = spec.model.to_schema()
    try:
        with config_context(validation_enabled=True, validation_depth=ValidationDepth.SCHEMA_AND_DATA):
            schema.validate(df.filter(first), lazy=True)
    except pa.errors.SchemaErrors as err:
        cases = err.failure_cases
    else:
        return _failures([], "", None)
    whole_table = cases.filter(pl.col("index").is_null())
    if whole_table.height:
        problems = "; ".join(
            f"column {r['column']!r}: {r['check']} ({r['failure_case']})" for r in whole_table.iter_rows(named=True))
        raise SchemaMismatchError(f"table {spec.name!r} fails as a whole: {problems}")
    row_check_columns = ROW_CHECK_COLUMNS.get(spec.name, {})
    unique = ",".join(schema.unique or [])

    def column_of(context: str, column: str, check: str) -> str | None:
        if context != "DataFrameSchema":
            return column
        if check == "multiple_fields_uniqueness":
            return unique
        return row_check_columns.get(check)

    rows = [
        (positions[int(r["index"])], r["check"], column_of(r["schema_context"], r["column"], r["check"]))
        for r in cases.select("index", "check", "column", "schema_context").iter_rows(named=True)
    ]
    return pl.DataFrame(rows, schema=_FAILURE_SCHEMA, orient="row")


def _cross_table_failures(name: str, df: pl.DataFrame, tables: dict[str, pl.DataFrame]) -> list[pl.DataFrame]:
    out = []
    for check in CROSS_TABLE_CHECKS.get(name, {}):
        column = CROSS_TABLE_CHECKS[name][check][0]
        implementation = _CROSS_CHECKS[(name, check)]
        out.append(_failing(implementation(df, tables), check, column))
    return out


def _need(tables: dict[str, pl.DataFrame], name: str, why: str) -> pl.DataFrame:
    if name not in tables:
        raise ValueError(f"checking {why} needs the {name!r} table: pass it to validate_tables")
    return tables[name]


def _report_known(df: pl.DataFrame, tables: dict[str, pl.DataFrame]) -> pl.Series:
    reports = _need(tables, "reports", "report_known")
    return df["report_id"].is_in(reports["report_id"].implode())


def _texts(tables: dict[str, pl.DataFrame], why: str) -> dict[str, str]:
    docs = _need(tables, "documents", why)
    return {rid: text for rid, text in zip(docs["report_id"], docs["text"], strict=True) if rid is not None}


def _span_text(texts: dict[str, str], rid: str | None, start: int | None, end: int | None) -> str | None:
    """`text[start:end]` of the report, or None when the report or the offsets do not allow it."""
    text = texts.get(rid) if rid is not None else None
    if text is None or start is None or end is None or not 0 <= start <= end <= len(text):
        return None
    return text[start:end]


def _text_matches_document(df: pl.DataFrame, tables: dict[str, pl.DataFrame]) -> pl.Series:
    texts = _texts(tables, "text_matches_document")
    ok = [
        text is not None and _span_text(texts, rid, start, end) == text
        for rid, start, end, text in zip(df["report_id"], df["char_start"], df["char_end"], df["text"], strict=True)
    ]
    return pl.Series(ok, dtype=pl.Boolean)


def _with_sentence(df: pl.DataFrame, tables: dict[str, pl.DataFrame], why: str) -> pl.DataFrame:
    sentences = _need(tables, "sentences", why).select(
        "report_id", "sentence_id", "char_start", "char_end", _sentence_found=pl.lit(True))
    sentences = sentences.unique(["report_id", "sentence_id"], keep="first", maintain_order=True)
    return df.join(sentences, on=["report_id", "sentence_id"], how="left", maintain_order="left")


def _sentence_known(df: pl.DataFrame, tables: dict[str, pl.DataFrame]) -> pl.Series:
    return _with_sentence(df, tables, "sentence_known")["_sentence_found"].is_not_null()


def _span_inside_sentence(df: pl.DataFrame, tables: dict[str, pl.DataFrame]) -> pl.Series:
    joined = _with_sentence(df, tables, "span_inside_sentence")
    return joined.select(
        (pl.col("span_start") >= pl.col("char_start")) & (pl.col("span_end") <= pl.col("char_end"))
    ).to_series()


def _span_inside_text(df: pl.DataFrame, tables: dict[str, pl.DataFrame]) -> pl.Series:
    texts = _texts(tables, "span_inside_text")
    ok = [
        bool(_span_text(texts, rid, start, end))
        for rid, start, end in zip(df["report_id"], df["span_start"], df["span_end"], strict=True)
    ]
    return pl.Series(ok, dtype=pl.Boolean)


def _evidence_contains_span(df: pl.DataFrame, tables: dict[str, pl.DataFrame]) -> pl.Series:
    texts = _texts(tables, "evidence_contains_span")
    ok = []
    for rid, start, end, evidence in zip(df["report_id"], df["span_start"], df["span_end"], df["evidence"],
                                         strict=True):
        span = _span_text(texts, rid, start, end)
        ok.append(bool(span) and evidence is not None and span in evidence)
    return pl.Series(ok, dtype=pl.Boolean)


def _with_report(df: pl.DataFrame, tables: dict[str, pl.DataFrame], why: str) -> pl.DataFrame:
    reports = _need(tables, "reports", why).select(
        "report_id", pl.col("region").alias("_report_region"), "review_year", "plan_year", _found=pl.lit(True))
    reports = reports.unique("report_id", keep="first", maintain_order=True)
    return df.join(reports, on="report_id", how="left", maintain_order="left")


def _region_matches_report(df: pl.DataFrame, tables: dict[str, pl.DataFrame]) -> pl.Series:
    joined = _with_report(df, tables, "region_matches_report")
    return joined.select(pl.col("region").eq_missing(pl.col("_report_region")) & pl.col("_found")).to_series()


def _period_near_report_years(df: pl.DataFrame, tables: dict[str, pl.DataFrame]) -> pl.Series:
    joined = _with_report(df, tables, "period_near_report_years")
    review, plan = pl.col("review_year").cast(pl.Int64), pl.col("plan_year").cast(pl.Int64)
    low = pl.min_horizontal(review, plan) - PERIOD_YEARS_BEFORE
    high = pl.max_horizontal(review, plan) + PERIOD_YEARS_AFTER
    period = pl.col("period").cast(pl.Int64)
    # A report without years (metadata not inferable) gives nothing to compare with: pass.
    return joined.select(((period >= low) & (period <= high)).fill_null(True)).to_series()


def _result_not_after_plan_year(df: pl.DataFrame, tables: dict[str, pl.DataFrame]) -> pl.Series:
    joined = _with_report(df, tables, "result_not_after_plan_year")
    latest = pl.max_horizontal(pl.col("review_year").cast(pl.Int64), pl.col("plan_year").cast(pl.Int64))
    is_result = pl.col("status").is_in(RESULT_STATUSES)
    return joined.select(~is_result | (pl.col("period").cast(pl.Int64) <= latest).fill_null(True)).to_series()


def _indicator_code_in_dictionary(df: pl.DataFrame, tables: dict[str, pl.DataFrame]) -> pl.Series:
    codes = _need(tables, "indicators", "indicator_code_in_dictionary")["indicator_code"]
    return df.select(pl.col("indicator_code").is_null() | pl.col("indicator_code").is_in(codes.implode())).to_series()


_CROSS_CHECKS: dict[tuple[str, str], Callable[[pl.DataFrame, dict[str, pl.DataFrame]], pl.Series]] = {
    ("documents", "report_known"): _report_known,
    ("sentences", "report_known"): _report_known,
    ("sentences", "text_matches_document"): _text_matches_document,
    ("normalization_edits", "report_known"): _report_known,
    ("facts", "report_known"): _report_known,
    ("facts", "sentence_known"): _sentence_known,
    ("facts", "region_matches_report"): _region_matches_report,
    ("facts", "span_inside_text"): _span_inside_text,
    ("facts", "span_inside_sentence"): _span_inside_sentence,
    ("facts", "evidence_contains_span"): _evidence_contains_span,
    ("facts", "period_near_report_years"): _period_near_report_years,
    ("facts", "result_not_after_plan_year"): _result_not_after_plan_year,
    ("facts", "indicator_code_in_dictionary"): _indicator_code_in_dictionary,
}


# --- quarantine rows ----------------------------------------------------------------------------


def _as_text(df: pl.DataFrame, column: str) -> pl.Expr:
    dtype = df.schema[column]
    if isinstance(dtype, (pl.List, pl.Array, pl.Struct)):
        # JSON of a one-field struct, unwrapped: `{"v":["a"]}` → `["a"]`.
        return pl.struct(pl.col(column).alias("v")).struct.json_encode().str.slice(5).str.head(-1)
    return pl.col(column).cast(pl.String)


def _failure_values(df: pl.DataFrame, column: str | None) -> pl.Series:
    """The offending value of every row: one column as text, several as a JSON object."""
    if column is None:
        return pl.Series([None] * df.height, dtype=pl.String)
    names = column.split(",")
    if len(names) == 1:
        return df.select(_as_text(df, names[0])).to_series()
    return df.select(pl.struct(names).struct.json_encode()).to_series()


def _quarantine_rows(spec: TableSpec, df: pl.DataFrame, failures: pl.DataFrame, run_id: str) -> pl.DataFrame:
    if failures.height == 0:
        return empty_quarantine()
    failures = failures.unique(maintain_order=True)
    key = pl.concat_str([pl.col(k).cast(pl.String).fill_null("null") for k in spec.key], separator="/")
    rows = df.select(row_key=key, row=pl.struct(pl.all()).struct.json_encode())
    parts = []
    for (column,), group in failures.group_by("column", maintain_order=True):
        values = _failure_values(df, column)
        idx = group["index"]
        parts.append(pl.DataFrame({
            "table": [spec.name] * group.height,
            "row_key": rows["row_key"].gather(idx),
            "check": group["check"],
            "column": group["column"],
            "failure_value": values.gather(idx),
            "run_id": [run_id] * group.height,
            "row": rows["row"].gather(idx),
        }, schema=quarantine_schema()))
    return pl.concat(parts, how="vertical")


def failures_summary(result: ValidationResult) -> str:
    """One line per table with failures, e.g. `facts: 3 rows quarantined (growth_in_range: 2, …)`."""
    lines = []
    for check in result.checks.values():
        if not check.passed:
            detail = ", ".join(f"{k}: {v}" for k, v in check.failures_by_check.items())
            lines.append(f"{check.table}: {check.n_quarantined} of {check.n_rows} rows quarantined ({detail})")
    return "\n".join(lines) or "no row quarantined"

