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

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pandera.polars as pa
import polars as pl
import pyarrow
from pandera.config import ValidationDepth, config_context

from pipeline.lib.frames import HASH_SCHEMA, Frame, report_hashes, report_in
from pipeline.lib.validation_ledger import LEDGER_SCHEMA, ledger_rows, unchanged_reports, validation_version
from schemas.tables import (
    CROSS_TABLE_CHECKS,
    PERIOD_YEARS_AFTER,
    PERIOD_YEARS_BEFORE,
    RESULT_STATUSES,
    ROW_CHECK_COLUMNS,
    SOURCE_TABLES,
    TABLES,
    TableSpec,
    column_dtypes,
)

VALIDATED_TABLES = (*SOURCE_TABLES, "target_vs_actual", "indicator_series")
# The columns the cross-table checks read from each table they look up. A table given as a scan
# is read with only these: at 10,000 reports, the sentences' section paths alone are ~0.3 GB.
_REFERENCE_COLUMNS = {
    "reports": ("report_id", "region", "review_year", "plan_year"),
    "documents": ("report_id", "text"),
    "sentences": ("report_id", "sentence_id", "char_start", "char_end"),
    "indicators": ("indicator_code",),
}
# The per-report tables, whose model checks each look at one row: given as scans, they are
# validated a slice of about `_SLICE_ROWS` rows at a time (`_pieces`).
_SLICED_TABLES = ("documents", "sentences", "normalization_edits", "facts")
_SLICE_ROWS = 1 << 19
DUPLICATE_ROW = "duplicate_row"
# The name of `ValidationResult.report_hashes` beside the validated tables in the pipeline.
REPORT_HASHES = "report_hashes"
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

    tables: dict[str, Frame]  # a scan comes back as a scan unless conforming changed it (see `validate_tables`)
    quarantine: pl.DataFrame
    checks: dict[str, TableValidation]
    run_id: str
    ledger: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=LEDGER_SCHEMA))  # for the next run
    reports_skipped: int = 0  # reports whose row checks were skipped: unchanged since they passed
    # `frames.report_hashes` of the per-report tables validation left whole: publishing needs them.
    report_hashes: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=HASH_SCHEMA))

    @property
    def n_quarantined(self) -> int:
        """Rows removed from all tables."""
        return sum(c.n_quarantined for c in self.checks.values())


def quarantine_schema() -> dict[str, pl.DataType]:
    """Column dtypes of the quarantine table, from its model."""
    return column_dtypes("quarantine")


def empty_quarantine() -> pl.DataFrame:
    """A quarantine with no rows, for runs that had nothing to quarantine."""
    return pl.DataFrame(schema=quarantine_schema())


def validate_tables(tables: dict[str, Frame], run_id: str, *,
                    references: dict[str, Frame] | None = None,
                    ledger: pl.DataFrame | None = None) -> ValidationResult:
    """Validate every table, move failing rows to quarantine, return what is left.

    `tables` maps table names (`reports`, `documents`, `sentences`, `normalization_edits`,
    `facts`, `indicators`, and optionally the view tables) to frames. Cross-table checks need
    their other table: facts need reports, sentences, documents and indicators. It is taken from
    `tables`, else from `references` (tables only looked at, e.g. to validate `facts` alone).
    Raises `SchemaMismatchError` for a missing column or an uncastable dtype.

    A table may be a LazyFrame (a scan of Parquet): it is then read when its turn comes, a
    per-report table a slice at a time (`_pieces`), and let go after; as a table looked up by
    another's checks, only the columns those read are kept (`_REFERENCE_COLUMNS`); and its valid
    rows are returned as the scan less the failing rows, to be streamed to their file (as a frame
    in memory when conforming had to change its columns or dtypes). At 10,000 reports the tables
    are ~1.5 GB in memory: this keeps a slice and the looked-up columns, not all of them.

    With the `ledger` of an earlier run (`ValidationResult.ledger`), the row checks skip the
    reports whose rows are unchanged since they passed them (`validation_ledger.py`), when every
    per-report table is a scan that conforming leaves as it is; duplicates and uniqueness are
    still checked over the whole table.
    """
    unknown = sorted(set(tables) - set(VALIDATED_TABLES))
    if unknown:
        raise ValueError(f"no schema for table(s) {unknown}: known tables are {list(VALIDATED_TABLES)}")
    # Frames in memory are conformed first, so that a wrong shape stops the run before any check;
    # scans are checked for their columns now and conformed in their turn.
    conformed: dict[str, tuple[pl.DataFrame, tuple[str, ...]]] = {}
    for name in VALIDATED_TABLES:
        if isinstance(tables.get(name), pl.DataFrame):
            conformed[name] = conform(name, tables[name])
        elif name in tables:
            _check_columns(name, tables[name].collect_schema().names())
    sources = {**(references or {}), **{name: conformed[name][0] if name in conformed else tables[name]
                                        for name in tables}}
    # A scan that conforming leaves as it is: its valid rows are the scan less the bad ones.
    streamed = {name for name, source in tables.items() if isinstance(source, pl.LazyFrame) and (
        list(source.collect_schema().items()) == list(column_dtypes(name).items()))}
    indicators = sources.get("indicators")
    version = validation_version(None if indicators is None else indicators.lazy().collect())
    hashes = _report_hashes(sources)
    # What needs the whole table first: a report with a row that fails it is checked in full.
    whole = {name: _whole_table_failures(TABLES[name], conformed[name][0] if name in conformed else tables[name])
             for name in VALIDATED_TABLES if name in tables}
    skip: set[str] = set()
    if ledger is not None and all(name in streamed for name in _SLICED_TABLES if name in tables):
        skip = unchanged_reports(hashes, ledger, version)
        for name, (_, failures) in whole.items():
            if skip and failures.height and name in _SLICED_TABLES:
                ids = tables[name].lazy().select("report_id").collect()["report_id"]  # a scan, as skipping needs
                skip -= set(ids.gather(failures["index"].unique()).drop_nulls().to_list())
    lookup = _Lookup(sources if not skip else {
        name: _without_reports(source, skip) if name in _SLICED_TABLES else source for name, source in sources.items()})

    valid: dict[str, Frame] = {}
    quarantined: list[pl.DataFrame] = []
    checks: dict[str, TableValidation] = {}
    failed_reports: set[str] = set()  # reports with a row that failed a row check
    for name in (n for n in VALIDATED_TABLES if n in tables):
        spec, source = TABLES[name], conformed[name][0] if name in conformed else tables[name]
        first, whole_table = whole.pop(name)
        found: list[pl.DataFrame] = []
        kept: list[pl.DataFrame] = []  # valid rows of a scan that conforming changed
        dropped: tuple[str, ...] = conformed[name][1] if name in conformed else ()
        for offset, df, extra in _pieces(name, source, skip):
            dropped = dropped or extra
            mine = whole_table.filter(pl.col("index").is_between(offset, offset + df.height - 1)).with_columns(
                pl.col("index") - offset)
            row_checks = pl.concat([_model_failures(spec, df, first.slice(offset, df.height)),
                                    *_cross_table_failures(name, _Rows(df, lookup))], how="vertical")
            if row_checks.height and name in ("reports", *_SLICED_TABLES):
                failed_reports |= set(df["report_id"].gather(row_checks["index"].unique()).drop_nulls().to_list())
            failures = pl.concat([mine, row_checks], how="vertical")
            quarantined.append(_quarantine_rows(spec, df, failures, run_id))
            found.append(failures.with_columns(pl.col("index") + offset))
            if name not in streamed:
                kept.append(_without(df, failures["index"].unique()))
            lookup.forget(df)
        conformed.pop(name, None)
        failures = pl.concat([_failures([], "", None), *found], how="vertical")
        bad = failures["index"].unique()
        valid[name] = _without(source, bad) if name in streamed else pl.concat(kept, how="vertical")
        per_check = failures.unique(["index", "check"]).group_by("check").len().sort("check")
        checks[name] = TableValidation(
            table=name,
            n_rows=first.len(),
            n_valid=first.len() - bad.len(),
            n_quarantined=bad.len(),
            failures_by_check=dict(per_check.iter_rows()),
            dropped_columns=dropped,
        )
    quarantine = pl.concat([empty_quarantine(), *quarantined], how="vertical")
    spec = TABLES["quarantine"]
    quarantine = quarantine.sort(list(spec.sort_by), nulls_last=True, maintain_order=True)
    return ValidationResult(tables=valid, quarantine=quarantine, checks=checks, run_id=run_id,
                            ledger=ledger_rows(hashes, failed_reports, version), reports_skipped=len(skip),
                            report_hashes=hashes.filter(pl.col("table").is_in(
                                [name for name, check in checks.items() if check.passed and name in _SLICED_TABLES])))


def _report_hashes(sources: dict[str, Frame]) -> pl.DataFrame:
    """`frames.report_hashes` of `reports` and of every per-report table, a slice at a time."""
    found = [pl.DataFrame(schema=HASH_SCHEMA)]
    for name in ("reports", *_SLICED_TABLES):
        if name in sources:
            found += [report_hashes(name, df) for _, df, _ in _pieces(name, sources[name])]
    # A report whose rows are not contiguous is in several slices: its parts are added up (the
    # sum of row hashes wraps, so the parts add up to the whole's).
    return pl.concat(found, how="vertical").group_by("table", "report_id", maintain_order=True).agg(
        pl.col("hash").sum(), pl.col("n_rows").sum()).select(list(HASH_SCHEMA))


def _without_reports(source: Frame, reports: set[str]) -> Frame:
    """The rows of every report but `reports` (and none with a null report id)."""
    return source.filter(~report_in(reports))


def _pieces(name: str, source: Frame, skip: set[str] | frozenset[str] = frozenset()
            ) -> Iterator[tuple[int, pl.DataFrame, tuple[str, ...]]]:
    """The table conformed, a slice at a time: (offset of its first row, the slice, columns dropped).

    A frame in memory is one slice. A scan of a per-report table (`_SLICED_TABLES`, whose model
    checks each look at one row) is read about `_SLICE_ROWS` rows at a time, cut where a report
    starts, so that the checks' working columns are those of one slice: at 10,000 reports the
    facts phase alone held ~1.2 GB over the looked-up tables when it read the table whole. The
    rows of the reports in `skip` are left out (there, only the runs of other reports' rows are read).
    """
    if isinstance(source, pl.DataFrame):
        yield 0, source, ()
        return
    ids = source.select("report_id").collect()["report_id"] if name in _SLICED_TABLES else None
    if ids is None or (not skip and ids.len() <= _SLICE_ROWS):
        df, dropped = conform(name, source.collect())
        yield 0, df, dropped
        return
    starts = (ids != ids.shift(1)).fill_null(True).arg_true()  # the rows where a report starts
    wanted = ~ids.to_frame().select(report_in(skip).fill_null(False)).to_series()
    for a, b in _runs(wanted):
        inside = pl.int_range(a + _SLICE_ROWS, b, _SLICE_ROWS, eager=True).cast(starts.dtype)
        cuts = starts.gather(starts.search_sorted(inside, side="left").clip(0, starts.len() - 1)).to_list()
        for c, d in itertools.pairwise(sorted({a, b, *(cut for cut in cuts if a < cut < b)})):
            df, dropped = conform(name, source.slice(c, d - c).collect())
            yield c, df, dropped


def _runs(mask: pl.Series) -> list[tuple[int, int]]:
    """The [start, end) ranges of consecutive True values."""
    edges = pl.DataFrame({"m": mask}).select(
        start=pl.col("m") & ~pl.col("m").shift(1, fill_value=False),
        end=pl.col("m") & ~pl.col("m").shift(-1, fill_value=False))
    return list(zip(edges["start"].arg_true().to_list(), (edges["end"].arg_true() + 1).to_list(), strict=True))


def _without(source: Frame, bad: pl.Series) -> Frame:
    """The table less the rows at the positions in `bad`: a scan stays a scan (streamed to its
    file later, never held in memory), a frame is filtered."""
    if not bad.len():
        return source
    if isinstance(source, pl.LazyFrame):
        return source.with_row_index("_row").filter(
            ~pl.col("_row").is_in(bad.cast(pl.get_index_type()).implode())).drop("_row")
    return source.filter(~pl.int_range(source.height, eager=True, dtype=pl.Int64).is_in(bad.implode()))


def _whole_table_failures(spec: TableSpec, source: Frame) -> tuple[pl.Series, pl.DataFrame]:
    """What needs the whole table, read from its key and unique columns only: `first` (False for
    a row that is an exact copy of an earlier one) and the failures `duplicate_row`,
    `field_uniqueness` and `multiple_fields_uniqueness` (positions in the whole table).

    Equal rows have equal keys, so only the rows whose key repeats (none, in a healthy table) are
    read and compared whole: hashing every column of millions of rows, texts included, costs seconds.
    """
    schema: pa.DataFrameSchema = spec.model.to_schema()
    groups = [("field_uniqueness", [n]) for n, col in schema.columns.items() if col.unique]
    groups += [("multiple_fields_uniqueness", list(schema.unique))] if schema.unique else []
    columns = tuple(dict.fromkeys([*spec.key, *(c for _, group in groups for c in group)]))
    narrow = (source if isinstance(source, pl.DataFrame) else
              conform(spec.name, source.select(columns).collect(), columns)[0]).select(columns)
    memo: dict[tuple[str, ...], Any] = {}
    first = pl.repeat(True, narrow.height, dtype=pl.Boolean, eager=True)
    shared = _duplicated(narrow, list(spec.key), memo)
    if shared is not None:
        at = shared.arg_true()
        rows = (source[at] if isinstance(source, pl.DataFrame) else conform(spec.name, source.with_row_index(
            "_row").filter(pl.col("_row").is_in(at.cast(pl.get_index_type()).implode())).drop("_row").collect())[0])
        copies = rows.select(pl.struct(pl.all()).is_first_distinct().not_()).to_series()
        first.scatter(at.filter(copies), False)
    # Exact copies are quarantined as `duplicate_row`: checking uniqueness with them in would
    # quarantine the first copy too. The answers about the whole table hold only without copies.
    has_copies = not bool(first.all())
    checked = narrow.filter(first) if has_copies else narrow
    found = [_failing(first, DUPLICATE_ROW, None)]
    for check, group in groups:
        duplicated = _duplicated(checked, group, None if has_copies else memo)
        if duplicated is not None:
            index = duplicated.arg_true().cast(pl.Int64)
            if has_copies:  # positions among the rows that are not copies → positions in the table
                index = first.arg_true().cast(pl.Int64).gather(index)
            found.append(_failures(index, check, ",".join(group)))
    return first, pl.concat(found, how="vertical")


# --- the table's shape ------------------------------------------------------------------------


def conform(table: str, df: pl.DataFrame, only: tuple[str, ...] | None = None
            ) -> tuple[pl.DataFrame, tuple[str, ...]]:
    """The frame with the model's columns (or `only` these of them), in its order, in its dtypes;
    and the columns dropped.

    Only lossless casts are made (a wider integer, an integer to a float, a whole float to an
    integer, an all-null column to anything, a categorical to a string): anything else would
    change the data behind the producer's back, so it raises `SchemaMismatchError`. An optional
    column that is absent (the dictionary's `direction`) is added as nulls so that the published
    schema never depends on the input.
    """
    columns = {name: col for name, col in TABLES[table].model.to_schema().columns.items()
               if only is None or name in only}
    _check_columns(table, df.columns, columns)
    out = [_cast(table, df[name], col.dtype.type) if name in df.columns
           else pl.Series(name, [None] * df.height, dtype=col.dtype.type) for name, col in columns.items()]
    extra = tuple(c for c in df.columns if c not in columns)
    return pl.DataFrame(out, height=df.height), extra


def _check_columns(table: str, present: list[str], columns: dict[str, Any] | None = None) -> None:
    """Raise `SchemaMismatchError` when a required column of the model (or of `columns`) is absent."""
    columns = TABLES[table].model.to_schema().columns if columns is None else columns
    for name, col in columns.items():
        if name not in present and col.required:
            raise SchemaMismatchError(
                f"table {table!r} has no column {name!r} ({col.description}); it has {present}")


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
#
# At 10,000 reports the tables hold ~3 M sentences and ~2 M facts: every check below works on
# whole columns (expressions, gathers, one join or sorted search per pair of tables), never one
# Python step per row.


def _failures(index: pl.Series | list[int], check: str, column: str | None) -> pl.DataFrame:
    index = pl.Series("index", index, dtype=pl.Int64)
    return pl.DataFrame({"index": index, "check": [check] * index.len(), "column": [column] * index.len()},
                        schema=_FAILURE_SCHEMA)


def _failing(mask: pl.Series, check: str, column: str | None) -> pl.DataFrame:
    """Failures for the rows where `mask` is False (null counts as a failure)."""
    index = mask.fill_null(False).not_().arg_true().cast(pl.Int64).alias("index")
    return pl.DataFrame([index]).with_columns(
        check=pl.lit(check, dtype=pl.String), column=pl.lit(column, dtype=pl.String))


def _strictly_increasing(df: pl.DataFrame, columns: list[str]) -> bool:
    """True when every row's `columns` sort strictly after the previous row's (so none repeats)."""
    if any(not (df.schema[c].is_integer() or df.schema[c] == pl.String) for c in columns):
        return False
    later = pl.col(columns[-1]) > pl.col(columns[-1]).shift(1)
    for c in reversed(columns[:-1]):
        later = (pl.col(c) > pl.col(c).shift(1)) | ((pl.col(c) == pl.col(c).shift(1)) & later)
    return bool(df.select(later.slice(1).fill_null(False).all()).item())


def _duplicated(df: pl.DataFrame, columns: list[str], memo: dict[tuple[str, ...], Any] | None = None
                ) -> pl.Series | None:
    """The rows whose `columns` occur more than once (polars' `is_duplicated`: nulls are equal), or
    None when no row's do. Cheap proofs that none do come first: rows sorted strictly by the columns
    (as producers write them), or no two rows with the same hash. `memo` keeps the answers for one
    frame (the key's, asked for the copies and again for uniqueness)."""
    if memo is not None:
        if tuple(columns) not in memo:
            memo[tuple(columns)] = _duplicated(df, columns)
        return memo[tuple(columns)]
    if df.height < 2 or _strictly_increasing(df, columns):
        return None
    values = pl.col(columns[0]) if len(columns) == 1 else pl.struct(columns)
    if df.select(values.hash().n_unique()).item() == df.height:
        return None
    duplicated = df.select(values.is_duplicated()).to_series()
    return duplicated if duplicated.any() else None


_SCHEMAS_WITHOUT_UNIQUENESS: dict[type, pa.DataFrameSchema] = {}


def _schema_without_uniqueness(spec: TableSpec) -> pa.DataFrameSchema:
    """The model's schema minus its uniqueness checks, which `_whole_table_failures` makes: pandera
    hashes every value of the column (seconds for 2 M fact ids) where a sorted table needs none."""
    if spec.model not in _SCHEMAS_WITHOUT_UNIQUENESS:
        schema = spec.model.to_schema()
        lean = schema.update_columns({name: {"unique": False} for name, col in schema.columns.items() if col.unique})
        lean.unique = None
        _SCHEMAS_WITHOUT_UNIQUENESS[spec.model] = lean
    return _SCHEMAS_WITHOUT_UNIQUENESS[spec.model]


def _model_failures(spec: TableSpec, df: pl.DataFrame, first: pl.Series) -> pl.DataFrame:
    """Every failure of the pandera model but uniqueness (`_whole_table_failures`), as (row index,
    check, column), on the rows that are not exact copies (`first`)."""
    has_copies = not bool(first.all())
    checked = df.filter(first) if has_copies else df
    found: list[pl.DataFrame] = []
    try:
        with config_context(validation_enabled=True, validation_depth=ValidationDepth.SCHEMA_AND_DATA):
            _schema_without_uniqueness(spec).validate(checked, lazy=True)
    except pa.errors.SchemaErrors as err:
        cases = err.failure_cases
    else:
        cases = None
    if cases is not None:
        whole_table = cases.filter(pl.col("index").is_null())
        if whole_table.height:
            problems = "; ".join(f"column {r['column']!r}: {r['check']} ({r['failure_case']})"
                                 for r in whole_table.iter_rows(named=True))
            raise SchemaMismatchError(f"table {spec.name!r} fails as a whole: {problems}")
        # The column a failure is reported under: a column check's own; for a check of the whole
        # frame, the columns it looks at.
        row_check_columns = ROW_CHECK_COLUMNS.get(spec.name, {})
        check = pl.col("check")
        column = (
            pl.when(pl.col("schema_context") != "DataFrameSchema").then(pl.col("column"))
            .otherwise(check.replace_strict(row_check_columns, default=None, return_dtype=pl.String))
        )
        found.append(cases.select(index=pl.col("index").cast(pl.Int64), check=check.cast(pl.String),
                                  column=column.cast(pl.String)))
    failures = pl.concat([_failures([], "", None), *found], how="vertical")
    if has_copies:  # positions in the frame without the copies → positions in `df`
        failures = failures.with_columns(index=first.arg_true().cast(pl.Int64).gather(failures["index"]))
    return failures


def _cross_table_failures(name: str, rows: _Rows) -> list[pl.DataFrame]:
    out = []
    for check in CROSS_TABLE_CHECKS.get(name, {}):
        column = CROSS_TABLE_CHECKS[name][check][0]
        implementation = _CROSS_CHECKS[(name, check)]
        out.append(_failing(implementation(rows), check, column))
    return out


class _Lookup:
    """The tables that cross-table checks look at, and what is derived from them once per run, not
    per check: every report id numbered (a row is then found by gathering by number, not by a
    join on a string), each table's row per report.

    A table is read from its source when first looked at: from a scan, only its `_REFERENCE_COLUMNS`.
    """

    def __init__(self, sources: dict[str, Frame]) -> None:
        self.sources = sources
        self.tables: dict[str, pl.DataFrame] = {}
        self._memo: dict[str, Any] = {}

    def forget(self, df: pl.DataFrame) -> None:
        """Let go of what was derived from `df` (validated now) unless it is a looked-up table."""
        if not any(t is df for t in self.tables.values()):
            self._memo.get("codes", {}).pop(id(df), None)

    def table(self, name: str) -> pl.DataFrame:
        """The table, in one chunk: gathering texts (string views) from a table read in many
        chunks (one per Parquet row group) copied each gathered text, ~15 GB for the documents'
        texts beside 3 M sentences."""
        if name not in self.tables:
            source = self.sources[name]
            if isinstance(source, pl.LazyFrame):
                only = _REFERENCE_COLUMNS.get(name)
                table = conform(name, source.select(only).collect() if only else source.collect(), only)[0]
            else:
                table = conform(name, source)[0]
            self.tables[name] = table.rechunk()
        return self.tables[name]

    def need(self, name: str, why: str) -> pl.DataFrame:
        if name not in self.sources:
            raise ValueError(f"checking {why} needs the {name!r} table: pass it to validate_tables")
        return self.table(name)

    def _once(self, key: str, make: Callable[[], Any]) -> Any:
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    def _report_ids(self, name: str) -> pl.Series:
        """A table's `report_id` column; from a scan not yet read, that column alone."""
        source = self.sources[name]
        if name in self.tables or not isinstance(source, pl.LazyFrame):
            return self.table(name)["report_id"]
        return conform(name, source.select("report_id").collect(), ("report_id",))[0]["report_id"]

    def _report_numbers(self) -> pl.DataFrame:
        """Every report id of the tables looked up (`report_id`, `_code`), in order of appearance."""
        def make() -> pl.DataFrame:
            ids = [self._report_ids(name) for name in ("reports", "documents", "sentences") if name in self.sources]
            every = pl.concat(ids, rechunk=False) if ids else pl.Series("report_id", [], dtype=pl.String)
            return (every.unique(maintain_order=True).drop_nulls().to_frame("report_id")
                    .with_row_index("_code").rechunk())
        return self._once("report_numbers", make)

    def codes(self, df: pl.DataFrame) -> pl.Series:
        """The number of each row's report (null for a null id or one no looked-up table has)."""
        known = self._memo.setdefault("codes", {})
        if id(df) not in known:  # the frame is kept with its codes, so that its id is not reused
            known[id(df)] = (df, df.select("report_id").join(
                self._report_numbers(), on="report_id", how="left", maintain_order="left")["_code"].rechunk())
        return known[id(df)][1]

    def _row_per_report(self, name: str, keep: str) -> pl.Series:
        """By report number: the position of the `keep` (first or last) row of `name` with that report."""
        def make() -> pl.Series:
            table = self.table(name)
            rows = (pl.DataFrame({"code": self.codes(table)}).with_row_index("row")
                    .drop_nulls("code").unique("code", keep=keep, maintain_order=True))
            by_code = pl.repeat(None, self._report_numbers().height, dtype=pl.get_index_type(), eager=True)
            return by_code.scatter(rows["code"], rows["row"]) if rows.height else by_code
        return self._once(f"rows_per_report:{name}", make)

    def report_rows(self, codes: pl.Series, why: str) -> pl.Series:
        """For each report number, the first row of `reports` with that report (null when none)."""
        self.need("reports", why)
        return self._row_per_report("reports", "first").gather(codes)

    def document_rows(self, codes: pl.Series, why: str) -> pl.Series:
        """For each report number, the last row of `documents` with that report (as a dict built from
        the rows would keep; null when none)."""
        self.need("documents", why)
        return self._row_per_report("documents", "last").gather(codes)

    def documents(self, why: str) -> pl.DataFrame:
        """Every document's text and its length in characters (`n_chars`, measured, not the column)."""
        documents = self.need("documents", why)
        return self._once("documents", lambda: documents.select("text", n_chars=pl.col("text").str.len_chars()))

    def sentence_rows(self, df: pl.DataFrame, codes: pl.Series, why: str) -> pl.Series:
        """For each row of `df`: the position of the first sentence with its (report_id, sentence_id),
        or null (also for a null id, as in a join)."""
        sentences = self.need("sentences", why)
        keys: _SortedKeys = self._once("sentence_keys", lambda: _SortedKeys(sentences, self.codes(sentences)))
        return keys.find(df, codes)


class _SortedKeys:
    """A table's (report_id, sentence_id) as one sortable integer (report number × 2³² + sentence id):
    finding a row by its key is then a binary search, where a join on a string and an integer
    column hashes both sides (seconds at millions of rows). When a sentence id is out of 0..2³¹
    it joins instead."""

    def __init__(self, table: pl.DataFrame, codes: pl.Series) -> None:
        self.table = table
        sentence_id = table["sentence_id"]
        self.usable = sentence_id.null_count() == sentence_id.len() or (
            sentence_id.min() >= 0 and sentence_id.max() < 1 << 31)
        if self.usable:
            keys = self._keys(codes, sentence_id).rename("key").to_frame().with_row_index("row").drop_nulls("key")
            if not keys["key"].is_sorted():
                keys = keys.sort("key", maintain_order=True)  # stable: the first row of a key stays first
            self.sorted_keys, self.rows = keys["key"].rechunk(), keys["row"].rechunk()

    @staticmethod
    def _keys(codes: pl.Series, sentence_id: pl.Series) -> pl.Series:
        frame = pl.DataFrame({"code": codes, "sentence_id": sentence_id.rechunk()})
        in_range = (pl.col("sentence_id") >= 0) & (pl.col("sentence_id") < 1 << 31)
        return frame.select(pl.when(in_range).then(
            pl.col("code").cast(pl.Int64) * (1 << 32) + pl.col("sentence_id"))).to_series()

    def find(self, df: pl.DataFrame, codes: pl.Series) -> pl.Series:
        if not self.usable:
            rows = self.table.select("report_id", "sentence_id").with_row_index("_row").unique(
                ["report_id", "sentence_id"], keep="first", maintain_order=True)
            return df.select("report_id", "sentence_id").join(
                rows, on=["report_id", "sentence_id"], how="left", maintain_order="left")["_row"].rechunk()
        if self.sorted_keys.len() == 0:
            return pl.repeat(None, df.height, dtype=pl.get_index_type(), eager=True)
        wanted = self._keys(codes, df["sentence_id"])
        at = self.sorted_keys.search_sorted(wanted, side="left").clip(0, self.sorted_keys.len() - 1)
        found = (self.sorted_keys.gather(at) == wanted).fill_null(False)
        return pl.DataFrame({"found": found, "row": self.rows.gather(at)}).select(
            pl.when("found").then("row")).to_series()


def _chunked_like(template: pl.Series, series: pl.Series) -> pl.Series:
    """`series` cut into `template`'s chunks. An expression over columns chunked differently
    first copies them into one chunk each (the texts of 3 M sentences, every time); columns cut
    alike are read where they are."""
    lengths = template.chunk_lengths()
    series = series.rechunk()
    if len(lengths) <= 1:
        return series
    parts, offset = [], 0
    for length in lengths:
        parts.append(series.slice(offset, length))
        offset += length
    return pl.concat(parts, rechunk=False)


class _Rows:
    """One table's rows with the other tables' columns beside them, each found once for all its checks."""

    def __init__(self, df: pl.DataFrame, lookup: _Lookup) -> None:
        self.df = df
        self.lookup = lookup
        self._memo: dict[str, Any] = {}

    def _once(self, key: str, make: Callable[[], Any]) -> Any:
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    def codes(self) -> pl.Series:
        return self._once("codes", lambda: self.lookup.codes(self.df))

    def beside(self, columns: list[pl.Series]) -> pl.DataFrame:
        """The table with `columns` (one value per row) added, chunked alike; nothing is copied."""
        template = self.df.get_columns()[0] if self.df.width else columns[0]
        return self.df.hstack([_chunked_like(template, c) for c in columns])

    def _gathered(self, key: str, table: Callable[[], pl.DataFrame], row: Callable[[], pl.Series],
                  columns: dict[str, str]) -> pl.DataFrame:
        """The table with `_<key>_row` (the row of the other table, null when none) and that row's
        `columns` (renamed) beside each row; made once."""
        def make() -> pl.DataFrame:
            found, other = row(), table()
            return self.beside([found.alias(f"_{key}_row"),
                                *(other[c].gather(found).alias(alias) for c, alias in columns.items())])
        return self._once(key, make)

    def with_report(self, why: str) -> pl.DataFrame:
        """Beside each row: its report's region and years (the first row of `reports` with its id)."""
        return self._gathered(
            "report", lambda: self.lookup.need("reports", why), lambda: self.lookup.report_rows(self.codes(), why),
            {"region": "_report_region", "review_year": "_review_year", "plan_year": "_plan_year"})

    def with_document(self, why: str) -> pl.DataFrame:
        """Beside each row: its document's text and length (the last row of `documents` with its id)."""
        return self._gathered(
            "document", lambda: self.lookup.documents(why), lambda: self.lookup.document_rows(self.codes(), why),
            {"text": "_doc_text", "n_chars": "_doc_chars"})

    def with_sentence(self, why: str) -> pl.DataFrame:
        """Beside each row: its sentence's offsets (the first row with its key)."""
        return self._gathered(
            "sentence", lambda: self.lookup.need("sentences", why),
            lambda: self.lookup.sentence_rows(self.df, self.codes(), why),
            {"char_start": "_char_start", "char_end": "_char_end"})


def _report_known(rows: _Rows) -> pl.Series:
    return rows.lookup.report_rows(rows.codes(), "report_known").is_not_null()


def _text_matches_document(rows: _Rows) -> pl.Series:
    return _texts_match_documents(rows, "text_matches_document")


def _texts_match_documents(rows: _Rows, why: str) -> pl.Series:
    """`documents.text[char_start:char_end] == text` for every row (False when any is missing)."""
    joined = rows.with_document(why)
    start, end = pl.col("char_start"), pl.col("char_end")
    # Cheap conditions first: a text of another length cannot match and is not cut out.
    candidate = joined.select((
        pl.col("text").is_not_null() & pl.col("_doc_text").is_not_null()
        & (start >= 0) & (start <= end) & (end <= pl.col("_doc_chars"))
        & (pl.col("text").str.len_chars() == end - start)
    ).fill_null(False)).to_series()
    ok = pl.repeat(False, joined.height, dtype=pl.Boolean, eager=True)
    if not candidate.any():
        return ok
    part = joined.select(
        "text", "char_start", "char_end", "_document_row", "_doc_text", _index=pl.int_range(pl.len(), dtype=pl.Int64),
    ).filter(candidate)
    in_order = pl.col("_document_row") > pl.col("_document_row").shift(1)
    in_order = in_order | ((pl.col("_document_row") == pl.col("_document_row").shift(1)) & (start >= start.shift(1)))
    if not part.select(in_order.slice(1).fill_null(False).all()).item():
        part = part.sort("_document_row", "char_start", maintain_order=True)
    # A few hundred thousand sentences at a time, cut where a document starts: the steps hold a
    # dozen columns per row (~0.6 GB at once for 3 M sentences).
    document = part["_document_row"]
    starts = (document != document.shift(1)).fill_null(True).arg_true()
    cuts = sorted({0, part.height, *starts.gather(starts.search_sorted(
        pl.int_range(0, part.height, _MATCH_ROWS, eager=True).cast(starts.dtype), side="left")
        .clip(0, starts.len() - 1)).to_list()})
    same, proven = (pl.concat(parts) for parts in zip(*(
        _match_in_reading_order(part.slice(a, b - a)) for a, b in itertools.pairwise(cuts) if b > a), strict=True))
    ok.scatter(part["_index"].filter(same & proven), True)
    unproven = part.filter(~proven)
    if unproven.height:
        cut = _char_slices(rows.lookup.table("documents")["text"], unproven["_document_row"],
                           unproven["char_start"], unproven["char_end"])
        same = (cut == unproven["text"].cast(pl.Binary)).fill_null(False)
        ok.scatter(unproven["_index"].filter(same), True)
    return ok


_MATCH_ROWS = 1 << 19


def _match_in_reading_order(part: pl.DataFrame) -> tuple[pl.Series, pl.Series]:
    """Whether each sentence's text is its document's text at its offsets (`same`), and whether
    that answer is proven (`proven`); `part` is sorted by document and offset.

    Characters are cut by byte offsets, found without reading the document: the byte offset of
    a sentence is its character offset plus the extra bytes (beyond one per character) of the
    sentences before it in the document, provided those sentences are the document's text at
    their offsets and the characters between sentences (line ends, mostly) are one byte each
    (ASCII). Both are checked, so the offset is proven up to the first sentence that differs or
    gap that is not ASCII; the sentences after it (none, in a sound table) are cut by
    `_char_slices`.
    """
    start, end, document = pl.col("char_start"), pl.col("char_end"), pl.col("_document_row")
    first = pl.col("_first")

    def before(x: pl.Expr) -> pl.Expr:  # the sum of x over the document's earlier rows
        earlier = x.cum_sum() - x
        return earlier - pl.when(first).then(earlier).forward_fill()

    # Step by step (each step's columns materialized): one expression holding every step would
    # repeat the earlier steps wherever it uses them.
    text = pl.col("_doc_text").cast(pl.Binary)
    steps = part.select(
        "_doc_text", "text", start, end,
        _first=(document != document.shift(1)).fill_null(True),
        _n_bytes=pl.col("text").str.len_bytes().cast(pl.Int64),
    ).with_columns(
        _byte_start=start + before(pl.col("_n_bytes") - (end - start)),
        _gap=start - pl.when(first).then(0).otherwise(end.shift(1)),
    ).with_columns(
        _gap_start=pl.when(first).then(0).otherwise((pl.col("_byte_start") + pl.col("_n_bytes")).shift(1)),
        _same=(text.bin.slice(pl.col("_byte_start"), pl.col("_n_bytes")) == pl.col("text").cast(pl.Binary)
               ).fill_null(False),
    ).with_columns(
        _gap_hex=text.bin.slice(pl.col("_gap_start"), pl.col("_gap").clip(lower_bound=0)).bin.encode("hex"),
    ).with_columns(
        _gap_ok=((pl.col("_gap") >= 0) & (
            (pl.col("_gap") == 0) | ((pl.col("_gap_hex").str.len_bytes() == 2 * pl.col("_gap"))
                                     & pl.col("_gap_hex").str.contains("^(?:[0-7][0-9a-f])*$"))
        )).fill_null(False),
    ).with_columns(_wrong=(~pl.col("_gap_ok") | ~pl.col("_same")).cast(pl.Int64))
    proven = steps.select(pl.col("_gap_ok") & (before(pl.col("_wrong")) == 0)).to_series()
    return steps["_same"], proven


def _sentence_known(rows: _Rows) -> pl.Series:
    return rows.with_sentence("sentence_known")["_sentence_row"].is_not_null()


def _span_inside_sentence(rows: _Rows) -> pl.Series:
    joined = rows.with_sentence("span_inside_sentence")
    return joined.select(
        (pl.col("span_start") >= pl.col("_char_start")) & (pl.col("span_end") <= pl.col("_char_end"))
    ).to_series()


def _span_in_document() -> pl.Expr:
    """`documents.text[span_start:span_end]` exists and is not empty (on rows beside their document)."""
    start, end = pl.col("span_start"), pl.col("span_end")
    return (pl.col("_doc_text").is_not_null() & (start >= 0) & (start < end)
            & (end <= pl.col("_doc_chars"))).fill_null(False)


def _span_inside_text(rows: _Rows) -> pl.Series:
    return rows.with_document("span_inside_text").select(_span_in_document()).to_series()


def _evidence_contains_span(rows: _Rows) -> pl.Series:
    """The span's text, `documents.text[span_start:span_end]`, is not empty and is in `evidence`.

    Cut from the document, not from the fact's sentence: as fast (byte offsets, `_char_slices`),
    and the sentences' texts need not be kept for it (~0.3 GB at 10,000 reports)."""
    beside = rows.with_document("evidence_contains_span")
    in_document = beside.select(_span_in_document()).to_series()
    span = pl.repeat(None, beside.height, dtype=pl.Binary, eager=True)
    if in_document.any():
        part = beside.filter(in_document)
        span = span.scatter(in_document.arg_true(), _char_slices(
            rows.lookup.table("documents")["text"], part["_document_row"], part["span_start"], part["span_end"]))
    return rows.beside([span.cast(pl.String).alias("_span")]).select((
        pl.col("_span").is_not_null() & pl.col("evidence").str.contains(pl.col("_span"), literal=True)
    ).fill_null(False)).to_series()


def _region_matches_report(rows: _Rows) -> pl.Series:
    joined = rows.with_report("region_matches_report")
    return joined.select(
        pl.col("region").eq_missing(pl.col("_report_region")) & pl.col("_report_row").is_not_null()).to_series()


def _period_near_report_years(rows: _Rows) -> pl.Series:
    joined = rows.with_report("period_near_report_years")
    review, plan = pl.col("_review_year").cast(pl.Int64), pl.col("_plan_year").cast(pl.Int64)
    low = pl.min_horizontal(review, plan) - PERIOD_YEARS_BEFORE
    high = pl.max_horizontal(review, plan) + PERIOD_YEARS_AFTER
    period = pl.col("period").cast(pl.Int64)
    # A report without years (metadata not inferable) gives nothing to compare with: pass.
    return joined.select(((period >= low) & (period <= high)).fill_null(True)).to_series()


def _result_not_after_plan_year(rows: _Rows) -> pl.Series:
    joined = rows.with_report("result_not_after_plan_year")
    latest = pl.max_horizontal(pl.col("_review_year").cast(pl.Int64), pl.col("_plan_year").cast(pl.Int64))
    is_result = pl.col("status").is_in(RESULT_STATUSES)
    return joined.select(~is_result | (pl.col("period").cast(pl.Int64) <= latest).fill_null(True)).to_series()


def _indicator_code_in_dictionary(rows: _Rows) -> pl.Series:
    codes = rows.lookup.need("indicators", "indicator_code_in_dictionary")["indicator_code"]
    return rows.df.select(
        pl.col("indicator_code").is_null() | pl.col("indicator_code").is_in(codes.implode())).to_series()


# --- cutting texts by character offsets ---------------------------------------------------------

_SLICE_CHUNK_BYTES = 1 << 25


def _char_slices(texts: pl.Series, doc: pl.Series, start: pl.Series, end: pl.Series) -> pl.Series:
    """`texts[doc][start:end]` for every row, as UTF-8 bytes; offsets count characters (code
    points), as Python's do. Every row must be in range: `0 <= start <= end <= len(text)`, text
    not null.

    Polars cuts a string by characters by walking it from its first byte, so cutting millions of
    sentences out of 30 KB texts would walk terabytes. Instead the character offsets become byte
    offsets, read from the positions of the bytes that start a character (all but the
    continuation bytes 0b10xxxxxx), found once per text, a few MB of texts at a time; the bytes
    are then cut where they are.
    """
    height = doc.len()
    byte_start = pl.zeros(height, dtype=pl.Int64, eager=True)
    byte_end = pl.zeros(height, dtype=pl.Int64, eager=True)
    rows = pl.DataFrame({"doc": doc, "start": start, "end": end}).with_row_index("row")
    used = rows["doc"].unique().sort()
    size = texts.gather(used).str.len_bytes().cast(pl.Int64)
    chunk_of = pl.DataFrame({"doc": used, "chunk": (size.cum_sum() - size) // _SLICE_CHUNK_BYTES})
    # A text's position among the texts of its chunk, by its position in `texts`.
    local = pl.repeat(None, texts.len(), dtype=pl.get_index_type(), eager=True)
    for (_,), members in chunk_of.partition_by("chunk", as_dict=True).items():
        local.scatter(members["doc"], pl.int_range(members.height, dtype=pl.get_index_type(), eager=True))
    rows = rows.join(chunk_of, on="doc", how="left")
    for (chunk,), part in rows.partition_by("chunk", as_dict=True).items():
        members = texts.gather(chunk_of.filter(pl.col("chunk") == chunk)["doc"])
        arrow = members.to_arrow()
        if arrow.type != pyarrow.large_string():
            arrow = arrow.cast(pyarrow.large_string())
        _, offsets_buffer, data_buffer = arrow.buffers()
        offsets = pl.Series(pyarrow.Array.from_buffers(
            pyarrow.int64(), len(arrow) + 1, [None, offsets_buffer], offset=arrow.offset))
        text_start = (offsets - offsets[0])[:-1]
        n_chars = members.str.len_chars().cast(pl.Int64)
        first_char = n_chars.cum_sum() - n_chars  # of each text, among the chunk's characters
        n_bytes = int(offsets[-1] - offsets[0])
        starts = pl.Series([], dtype=pl.Boolean)
        if n_bytes:  # as int8, a continuation byte 0b10xxxxxx is -128..-65
            data = pl.Series(pyarrow.Array.from_buffers(pyarrow.int8(), n_bytes, [None, data_buffer],
                                                        offset=offsets[0]))
            starts = data >= -64
        starts.append(pl.Series([True]))  # one past the last character: where the last text ends
        char_starts = starts.arg_true()
        at = local.gather(part["doc"])
        base, origin = first_char.gather(at), text_start.gather(at)
        byte_start.scatter(part["row"], char_starts.gather(base + part["start"]).cast(pl.Int64) - origin)
        byte_end.scatter(part["row"], char_starts.gather(base + part["end"]).cast(pl.Int64) - origin)
    return pl.DataFrame({"text": texts.gather(doc), "start": byte_start, "end": byte_end}).select(
        pl.col("text").cast(pl.Binary).bin.slice(pl.col("start"), pl.col("end") - pl.col("start"))
    ).to_series()


_CROSS_CHECKS: dict[tuple[str, str], Callable[[_Rows], pl.Series]] = {
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
    # Only the failing rows are turned into text: JSON of every row of a 3 M-row table is seconds.
    index = failures["index"].unique().sort()
    rows = df[index]
    key = pl.concat_str([pl.col(k).cast(pl.String).fill_null("null") for k in spec.key], separator="/")
    text = rows.select(index=index, row_key=key, row=pl.struct(pl.all()).struct.json_encode())
    parts = []
    for (column,), group in failures.group_by("column", maintain_order=True):
        values = text.select("index", failure_value=_failure_values(rows, column))
        group = group.join(text, on="index", how="left", maintain_order="left").join(
            values, on="index", how="left", maintain_order="left")
        parts.append(group.select(
            table=pl.lit(spec.name, dtype=pl.String), row_key="row_key", check="check", column="column",
            failure_value="failure_value", run_id=pl.lit(run_id, dtype=pl.String), row="row",
        ).cast(quarantine_schema()))
    return pl.concat(parts, how="vertical")


def failures_summary(result: ValidationResult) -> str:
    """One line per table with failures, e.g. `facts: 3 rows quarantined (growth_in_range: 2, …)`."""
    lines = []
    for check in result.checks.values():
        if not check.passed:
            detail = ", ".join(f"{k}: {v}" for k, v in check.failures_by_check.items())
            lines.append(f"{check.table}: {check.n_quarantined} of {check.n_rows} rows quarantined ({detail})")
    return "\n".join(lines) or "no row quarantined"

