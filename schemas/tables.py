"""The data contract as code: one pandera `DataFrameModel` (polars backend) per published table.

SPEC.md says what users query; these models say it precisely enough to check. Every column has a
description: the same words become the data-dictionary page, the Parquet key-value metadata and
the DuckDB `COMMENT ON`s, so the docs cannot drift from the data.

Checks here look at one table at a time. Checks that need another table (a fact's span inside its
report's text, its code in the dictionary) are declared in `CROSS_TABLE_CHECKS` and run by
`pipeline.lib.validate`, which turns every failure of either kind into a quarantine row.

A custom check returns a boolean per row; pandera counts a null result as a pass, so each
expression below says what a null means on purpose (`fill_null`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Literal

import pandera.polars as pa
import polars as pl

METRICS = ("level", "growth", "share", "change", "rank")
BOUNDS = ("eq", "approx", "ge", "gt", "le", "lt")
STATUSES = ("actual", "estimate", "target")
RESULT_STATUSES = ("actual", "estimate")
SECTION_ROLES = ("review", "targets", "tasks", "other")
REPORT_TYPES = ("work_report", "plan_report", "infographic", "statistical_bulletin")
REGION_LEVELS = ("province", "city", "district")
REPORT_STATUSES = ("ok", "quarantined")
METADATA_SOURCES = ("manifest", "inferred")
DIRECTIONS = ("higher", "lower")
CODE_PATTERN = r"^[a-z][a-z0-9_]*$"
SHA256_PATTERN = r"^([0-9a-f]{64})?$"  # empty for a file that could not be read at all
YEAR_RANGE = {"min_value": 1949, "max_value": 2100}
# A fact's period may lie this far from its report's review/plan years. Before: a 换届 work report
# reviews the past five years (a 2023 report quoting 2018). After: 远景目标 for 2035 appear in
# 2023 reports. Anything further is a number misread as a year or a year misread from the text.
PERIOD_YEARS_BEFORE = 6
PERIOD_YEARS_AFTER = 12
# Units a metric cannot take: a growth or a share is a percent, a change of a percent is `pp`,
# a level or a rank is never a percent (`城镇化率70%` is a share, not a level).
PERCENT_UNITS = ("%", "pp")

NON_EMPTY = {"str_length": {"min_value": 1}}


def _years(col: str) -> pl.Expr:
    return pl.col(col).cast(pl.Int64)


class Reports(pa.DataFrameModel):
    report_id: str = pa.Field(
        unique=True, **NON_EMPTY,
        description="Stable id of the report: from the manifest or derived from the file name.",
    )
    source_file: str = pa.Field(**NON_EMPTY, description="Path of the raw file relative to the raw folder.")
    sha256: str = pa.Field(
        str_matches=SHA256_PATTERN,
        description="SHA-256 of the raw bytes, lower-case hex (empty when the file could not be read).",
    )
    n_bytes: int = pa.Field(ge=0, description="Size of the raw file in bytes.")
    encoding: str = pa.Field(
        nullable=True,
        description="Encoding detected for the raw bytes (null when they could not be decoded).",
    )
    status: str = pa.Field(
        isin=list(REPORT_STATUSES),
        description="`ok`, or `quarantined`: the file gives no facts and `reason` says why.",
    )
    reason: str = pa.Field(
        nullable=True,
        description="Why the file was quarantined, in words a person understands; null when ok.",
    )
    note: str = pa.Field(
        nullable=True,
        description="A remark on the file (from the manifest or the decoder), not a problem.",
    )
    region: str = pa.Field(
        nullable=True,
        description="Region the report speaks for, e.g. 青岛市, 青岛西海岸新区; null when unknown.",
    )
    region_level: str = pa.Field(
        nullable=True, isin=list(REGION_LEVELS),
        description="`province`, `city` or `district` (a national new area counts as district).",
    )
    report_type: str = pa.Field(
        nullable=True, isin=list(REPORT_TYPES),
        description="`work_report`, `plan_report`, `infographic` or `statistical_bulletin`.",
    )
    review_year: pl.Int32 = pa.Field(
        nullable=True, in_range=YEAR_RANGE,
        description="The year whose results the report reviews.",
    )
    plan_year: pl.Int32 = pa.Field(
        nullable=True, in_range=YEAR_RANGE,
        description="The year whose targets the report sets.",
    )
    publish_date: datetime.date = pa.Field(nullable=True, description="Date the report was published, when known.")
    source_url: str = pa.Field(nullable=True, description="Address the report was obtained from, when known.")
    metadata_source: str = pa.Field(
        isin=list(METADATA_SOURCES),
        description="`manifest` when the metadata came from the manifest, `inferred` when read from the text.",
    )
    n_chars: int = pa.Field(ge=0, description="Characters in the normalized text (0 for a quarantined file).")
    n_sentences: int = pa.Field(ge=0, description="Sentences in the normalized text.")
    n_facts: int = pa.Field(ge=0, description="Facts extracted from the report.")

    @pa.dataframe_check(name="quarantined_has_reason")
    def quarantined_has_reason(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """A quarantined file says why; an ok file has no reason."""
        has_reason = pl.col("reason").fill_null("").str.strip_chars() != ""
        return data.lazyframe.select((pl.col("status") == "quarantined") == has_reason)

    @pa.dataframe_check(name="quarantined_has_no_facts")
    def quarantined_has_no_facts(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """SPEC: quarantined files give no facts."""
        return data.lazyframe.select((pl.col("status") != "quarantined") | (pl.col("n_facts") == 0))

    @pa.dataframe_check(name="years_ordered")
    def years_ordered(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """The plan year follows the review year (by one, or by up to five for a plan period)."""
        gap = _years("plan_year") - _years("review_year")
        return data.lazyframe.select(gap.is_between(0, 5).fill_null(True))

    @pa.dataframe_check(name="publish_date_near_years")
    def publish_date_near_years(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """A report is published between its review year and the year after its plan year."""
        year = pl.col("publish_date").dt.year().cast(pl.Int64)
        low = pl.min_horizontal(_years("review_year"), _years("plan_year"))
        high = pl.max_horizontal(_years("review_year"), _years("plan_year")) + 1
        return data.lazyframe.select(((year >= low) & (year <= high)).fill_null(True))

    class Config:
        name = "reports"
        description = "One row per raw file: where it came from, whether it could be used, and its metadata."


class Documents(pa.DataFrameModel):
    report_id: str = pa.Field(unique=True, **NON_EMPTY, description="The report whose normalized text this is.")
    text: str = pa.Field(
        description="The full normalized text; every offset in `sentences` and `facts` points into it.",
    )
    n_chars: int = pa.Field(ge=0, description="Length of `text` in characters (Unicode code points).")
    n_sentences: int = pa.Field(ge=0, description="Sentences the text was split into.")
    n_edits: int = pa.Field(ge=0, description="Normalization edits made to the raw text to give this text.")

    @pa.dataframe_check(name="n_chars_matches_text")
    def n_chars_matches_text(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """`n_chars` is the length of `text`, so offsets can be checked against it."""
        return data.lazyframe.select((pl.col("text").str.len_chars() == pl.col("n_chars")).fill_null(False))

    class Config:
        name = "documents"
        description = "The normalized full text of each usable report."


class Sentences(pa.DataFrameModel):
    report_id: str = pa.Field(**NON_EMPTY, description="The report the sentence belongs to.")
    sentence_id: int = pa.Field(ge=0, description="0-based position of the sentence in the report.")
    paragraph_id: int = pa.Field(ge=0, description="0-based position of the paragraph holding the sentence.")
    section_path: str = pa.Field(
        nullable=True,
        description="Headings from the top down to the sentence, joined with ` > `.",
    )
    section_role: str = pa.Field(
        isin=list(SECTION_ROLES),
        description=(
            "`review` (results of the reviewed year), `targets` (主要预期目标), "
            "`tasks` (the plan year's work) or `other`."
        ),
    )
    is_heading: bool = pa.Field(description="True when the sentence is a heading.")
    text: str = pa.Field(**NON_EMPTY, description="The sentence, exactly `documents.text[char_start:char_end]`.")
    char_start: int = pa.Field(ge=0, description="Offset of the sentence's first character in the normalized text.")
    char_end: int = pa.Field(ge=0, description="Offset just past the sentence's last character in the normalized text.")

    @pa.dataframe_check(name="text_length_matches_offsets")
    def text_length_matches_offsets(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """`char_end - char_start` is the sentence's length: offsets and text agree."""
        length = pl.col("char_end") - pl.col("char_start")
        return data.lazyframe.select((pl.col("text").str.len_chars() == length).fill_null(False))

    class Config:
        name = "sentences"
        description = "The normalized text, one row per sentence, with its section and offsets."
        unique = ("report_id", "sentence_id")


class NormalizationEdits(pa.DataFrameModel):
    report_id: str = pa.Field(**NON_EMPTY, description="The report whose raw text was edited.")
    edit_id: int = pa.Field(ge=0, description="0-based position of the edit in the report.")
    kind: str = pa.Field(
        str_matches=CODE_PATTERN,
        description=(
            "What the edit does, as a lower-case code: e.g. `width`, `markdown`, `html`, `chrome`, `page_break`, "
            "`spam`."
        ),
    )
    raw_start: int = pa.Field(ge=0, description="Offset of the edited passage in the raw (decoded) text.")
    raw_end: int = pa.Field(ge=0, description="Offset just past the edited passage in the raw text.")
    raw_text: str = pa.Field(description="The raw passage as it was.")
    replacement: str = pa.Field(description="What replaced it (empty for a removal).")
    norm_start: int = pa.Field(ge=0, description="Offset of the replacement in the normalized text.")
    norm_end: int = pa.Field(ge=0, description="Offset just past the replacement in the normalized text.")

    @pa.dataframe_check(name="raw_offsets_ordered")
    def raw_offsets_ordered(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """A raw passage does not end before it starts."""
        return data.lazyframe.select((pl.col("raw_start") <= pl.col("raw_end")).fill_null(False))

    @pa.dataframe_check(name="norm_offsets_ordered")
    def norm_offsets_ordered(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """A replacement does not end before it starts."""
        return data.lazyframe.select((pl.col("norm_start") <= pl.col("norm_end")).fill_null(False))

    class Config:
        name = "normalization_edits"
        description = "Every edit made to a raw text to normalize it, so nothing of the raw text is lost."
        unique = ("report_id", "edit_id")


class Facts(pa.DataFrameModel):
    fact_id: str = pa.Field(unique=True, **NON_EMPTY, description="Deterministic id of the fact: same input, same id.")
    report_id: str = pa.Field(**NON_EMPTY, description="The report the fact was read from.")
    sentence_id: int = pa.Field(ge=0, description="The sentence the fact was read from.")
    region: str = pa.Field(nullable=True, description="Region of the report, copied from `reports`.")
    indicator_text: str = pa.Field(
        **NON_EMPTY, description="The subject as written, e.g. 一般公共预算收入, 高技术产业投资."
    )
    indicator_code: str = pa.Field(
        nullable=True, str_matches=CODE_PATTERN,
        description="Canonical code from the indicator dictionary; null when none fits the whole region.",
    )
    metric: str = pa.Field(
        isin=list(METRICS),
        description=(
            "`level` an amount, `growth` a percent change, `share` a percent proportion, `change` an absolute change, "
            "`rank` a position."
        ),
    )
    value: float = pa.Field(description="The value as stated, signed (下降6% → -6).")
    unit: str = pa.Field(
        **NON_EMPTY, description="Unit in one spelling: `%`, `pp`, `亿元`, `万人`, `家`, `天`, `微克/立方米`, …"
    )
    value_base: float = pa.Field(
        nullable=True,
        description="The value in the base unit where the unit has a magnitude (1.5 万亿元 → 1.5e12 元).",
    )
    base_unit: str = pa.Field(nullable=True, description="The base unit of `value_base`: `元`, `人`, `TEU`, …")
    bound: str = pa.Field(
        isin=list(BOUNDS),
        description=(
            "`eq` as stated, `approx` 左右/约, `ge` 以上/不低于, `gt` 超过/突破, "
            "`le` 以内/不超过, `lt` 低于/不到."
        ),
    )
    stretch: bool = pa.Field(
        description="True for a value introduced by 力争/争取, alone or as the higher goal after a base one.",
    )
    status: str = pa.Field(
        isin=list(STATUSES),
        description="`actual` a reported result, `estimate` a provisional result (预计), `target` a goal.",
    )
    period: pl.Int32 = pa.Field(in_range=YEAR_RANGE, description="The year the value refers to.")
    span_start: int = pa.Field(ge=0, description="Offset of the number and its unit in the normalized text.")
    span_end: int = pa.Field(ge=0, description="Offset just past the number and its unit in the normalized text.")
    evidence: str = pa.Field(**NON_EMPTY, description="The clause the fact was read from; it contains the span's text.")

    @pa.check("value", "value_base", name="finite")
    def finite(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """An infinite value is a parsing accident, never a statement."""
        return data.lazyframe.select(pl.col(data.key).is_finite())

    @pa.dataframe_check(name="growth_in_range")
    def growth_in_range(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """A growth rate lies in -100..1000 %: anything else is a misread number."""
        return data.lazyframe.select((pl.col("metric") != "growth") | pl.col("value").is_between(-100, 1000))

    @pa.dataframe_check(name="share_in_range")
    def share_in_range(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """A share is a percent in 0..100."""
        return data.lazyframe.select((pl.col("metric") != "share") | pl.col("value").is_between(0, 100))

    @pa.dataframe_check(name="rank_positive_integer")
    def rank_positive_integer(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """A rank is a whole number from 1 (第一 → 1)."""
        value = pl.col("value")
        return data.lazyframe.select((pl.col("metric") != "rank") | ((value >= 1) & (value == value.floor())))

    @pa.dataframe_check(name="unit_allowed_for_metric")
    def unit_allowed_for_metric(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """Growth and share are in `%`; a change is never in `%` (a change of a rate is `pp`); a
        level or rank is in neither."""
        metric, unit = pl.col("metric"), pl.col("unit")
        ok = (
            pl.when(metric.is_in(["growth", "share"])).then(unit == "%")
            .when(metric == "change").then(unit != "%")
            .otherwise(~unit.is_in(PERCENT_UNITS))
        )
        return data.lazyframe.select(ok.fill_null(False))

    @pa.dataframe_check(name="base_value_with_unit")
    def base_value_with_unit(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """`value_base` and `base_unit` come together or not at all."""
        return data.lazyframe.select(pl.col("value_base").is_null() == pl.col("base_unit").is_null())

    @pa.dataframe_check(name="span_ordered")
    def span_ordered(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """A span holds at least one character."""
        return data.lazyframe.select((pl.col("span_start") < pl.col("span_end")).fill_null(False))

    @pa.dataframe_check(name="stretch_only_for_targets")
    def stretch_only_for_targets(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """力争/争取 introduces goals: a stretch value is a target."""
        return data.lazyframe.select((~pl.col("stretch")) | (pl.col("status") == "target"))

    class Config:
        name = "facts"
        description = "One row per quantitative statement about an indicator, traced to its sentence and span."


class Indicators(pa.DataFrameModel):
    indicator_code: str = pa.Field(
        unique=True, str_matches=CODE_PATTERN,
        description="Canonical code of the indicator, lower-case ASCII.",
    )
    name_zh: str = pa.Field(**NON_EMPTY, description="Chinese name, e.g. 地区生产总值.")
    name_en: str = pa.Field(**NON_EMPTY, description="English name, e.g. Gross regional product.")
    aliases: list[str] = pa.Field(description="Every spelling that maps to this code.")
    category: str = pa.Field(**NON_EMPTY, description="Thematic group, e.g. economy, fiscal, innovation, environment.")
    expected_metrics: list[str] = pa.Field(description="Metrics the indicator is usually stated in.")
    expected_units: list[str] = pa.Field(description="Units the indicator is usually stated in.")
    direction: str = pa.Field(
        nullable=True, required=False, isin=list(DIRECTIONS),
        description="`higher` when more is better (default), `lower` when less is (cpi, pm25).",
    )

    @pa.dataframe_check(name="expected_metrics_known")
    def expected_metrics_known(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """Every expected metric is one of the facts' metrics."""
        known = pl.col("expected_metrics").list.eval(pl.element().is_in(METRICS)).list.all()
        return data.lazyframe.select(known.fill_null(True))

    @pa.dataframe_check(name="alias_belongs_to_one_code")
    def alias_belongs_to_one_code(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """An alias (or a Chinese name) maps to exactly one code, or extraction could not choose."""
        lf = data.lazyframe.with_row_index("_row")
        spellings = (
            lf.select("_row", "indicator_code", spelling=pl.concat_list(pl.col("name_zh"), pl.col("aliases")))
            .explode("spelling")
            .filter(pl.col("spelling").is_not_null())
            .unique(["_row", "spelling"])
        )
        shared = spellings.filter(pl.col("indicator_code").n_unique().over("spelling") > 1)
        bad_rows = shared.select("_row").unique()
        return (
            lf.join(bad_rows.with_columns(_bad=pl.lit(True)), on="_row", how="left", maintain_order="left")
            .select(pl.col("_bad").is_null())
        )

    class Config:
        name = "indicators"
        description = "The indicator dictionary: canonical codes, names, aliases and what to expect of them."


class TargetVsActual(pa.DataFrameModel):
    region: str = pa.Field(**NON_EMPTY, description="Region the target and the result are for.")
    indicator_code: str = pa.Field(str_matches=CODE_PATTERN, description="Indicator code from the dictionary.")
    metric: str = pa.Field(isin=list(METRICS), description="Metric of both the target and the result.")
    year: pl.Int32 = pa.Field(in_range=YEAR_RANGE, description="The year the target was set for and the result is of.")
    direction: str = pa.Field(
        isin=list(DIRECTIONS),
        description="`higher` when more is better, `lower` when less is; decides `met` for eq/approx targets.",
    )
    target_value: float = pa.Field(description="The target (the low end of a range).")
    target_bound: str = pa.Field(isin=list(BOUNDS), description="Bound of the target (of the low end of a range).")
    target_value_high: float = pa.Field(
        nullable=True,
        description="The high end of a range target (增长4.5%—5%), else null.",
    )
    target_bound_high: str = pa.Field(
        nullable=True, isin=["le", "lt"],
        description="Bound of the high end of a range target, else null.",
    )
    target_unit: str = pa.Field(**NON_EMPTY, description="Unit of the target.")
    target_stretch: bool = pa.Field(
        description="True when only a stretch target (力争) was set; a base target is preferred.",
    )
    target_evidence: str = pa.Field(description="The clause the target was read from.")
    target_report_id: str = pa.Field(
        description=(
            "The report that planned the year (its `plan_year`) and set the target; among several, one with a "
            "base target, then the work report before the plan report, infographic and bulletin, then the "
            "latest published."
        ),
    )
    actual_value: float = pa.Field(nullable=True, description="The result, null when no report reviewed the year yet.")
    actual_bound: str = pa.Field(
        nullable=True, isin=list(BOUNDS),
        description="Bound of the result as stated (超过5% → gt).",
    )
    actual_unit: str = pa.Field(nullable=True, description="Unit of the result.")
    actual_status: str = pa.Field(
        nullable=True, isin=list(RESULT_STATUSES),
        description="`actual`, or `estimate` when only a provisional result exists.",
    )
    actual_evidence: str = pa.Field(nullable=True, description="The clause the result was read from.")
    actual_report_id: str = pa.Field(
        nullable=True,
        description=(
            "The report that reviewed the year (its `review_year`) and gave the result; among several, one "
            "with an `actual`, then the bulletin before the plan report, work report and infographic, then "
            "the latest published."
        ),
    )
    met: bool = pa.Field(
        nullable=True,
        description=(
            "Whether the result meets the target, respecting its bound and direction; null when there is no result or "
            "the units cannot be compared."
        ),
    )

    @pa.dataframe_check(name="range_ordered")
    def range_ordered(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """A range target's high end is not below its low end."""
        return data.lazyframe.select((pl.col("target_value_high") >= pl.col("target_value")).fill_null(True))

    class Config:
        name = "target_vs_actual"
        description = ("Per region, indicator, metric and year: the target from the report that planned the year "
                       "beside the result from the report that reviewed it, and whether it was met.")
        unique = ("region", "indicator_code", "metric", "year")


class IndicatorSeries(pa.DataFrameModel):
    region: str = pa.Field(**NON_EMPTY, description="Region the value is for.")
    indicator_code: str = pa.Field(str_matches=CODE_PATTERN, description="Indicator code from the dictionary.")
    metric: str = pa.Field(isin=list(METRICS), description="Metric of the value.")
    period: pl.Int32 = pa.Field(in_range=YEAR_RANGE, description="The year the value refers to.")
    status: str = pa.Field(isin=list(STATUSES), description="`actual`, `estimate` or `target`.")
    value: float = pa.Field(description="The value most recently reported (the low end of a range).")
    bound: str = pa.Field(isin=list(BOUNDS), description="Bound of the value (of the low end of a range).")
    value_high: float = pa.Field(nullable=True, description="The high end of a range, else null.")
    bound_high: str = pa.Field(
        nullable=True, isin=["le", "lt"],
        description="Bound of the high end of a range, else null.",
    )
    unit: str = pa.Field(**NON_EMPTY, description="Unit of the value.")
    value_base: float = pa.Field(
        nullable=True,
        description="The value in its base unit, when the unit has a magnitude.",
    )
    base_unit: str = pa.Field(nullable=True, description="The base unit of `value_base`.")
    stretch: bool = pa.Field(description="True when the value is a stretch target (力争) and no base target was given.")
    report_id: str = pa.Field(
        description="The report the value is taken from: the latest by publish date, then plan year.",
    )
    fact_id: str = pa.Field(description="The fact the value is taken from.")
    evidence: str = pa.Field(description="The clause the value was read from.")
    report_ids: list[str] = pa.Field(description="Every report that gave this same value in this unit, sorted.")
    n_reports: int = pa.Field(
        ge=1,
        description="Reports that gave any value for this row's key (more than `report_ids` means revisions).",
    )

    @pa.dataframe_check(name="chosen_report_listed")
    def chosen_report_listed(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """The report the value comes from is among the reports that gave it."""
        return data.lazyframe.select(pl.col("report_ids").list.contains(pl.col("report_id")).fill_null(False))

    class Config:
        name = "indicator_series"
        description = ("One row per region, indicator, metric, period and status: the value most recently "
                       "reported and the reports that gave it.")
        unique = ("region", "indicator_code", "metric", "period", "status")


class Quarantine(pa.DataFrameModel):
    table: str = pa.Field(description="The table the failing row was meant for.")
    row_key: str = pa.Field(description="The row's key in that table (key columns joined with `/`).")
    check: str = pa.Field(description="The check that failed, as named in the data dictionary.")
    column: str = pa.Field(nullable=True, description="The column the check looks at (several joined with `,`).")
    failure_value: str = pa.Field(
        nullable=True,
        description="The offending value, as text (null when the value is missing).",
    )
    run_id: str = pa.Field(description="The run that quarantined the row.")
    row: str = pa.Field(nullable=True, description="The whole failing row as JSON, so nothing is lost.")

    class Config:
        name = "quarantine"
        description = "Rows that failed a check: moved out of their table, never dropped, one row per failure."


class DataDictionary(pa.DataFrameModel):
    table_name: str = pa.Field(description="A table or view of the warehouse.")
    table_kind: str = pa.Field(isin=["table", "view"], description="`table` or `view`.")
    table_description: str = pa.Field(description="What one row of the table is.")
    ordinal: int = pa.Field(ge=1, description="Position of the column in the table, from 1.")
    column_name: str = pa.Field(description="Name of the column.")
    column_type: str = pa.Field(description="SQL type of the column in DuckDB.")
    nullable: bool = pa.Field(description="Whether the column may be null.")
    description: str = pa.Field(description="What the column means.")
    checks: str = pa.Field(nullable=True, description="The checks on this column, `; `-separated.")

    class Config:
        name = "data_dictionary"
        description = "Every table and view of the warehouse and every column, with its meaning."
        unique = ("table_name", "column_name")


@dataclass(frozen=True)
class TableSpec:
    """How a table is published: its model, its key (for quarantine row keys and uniqueness) and
    the order its rows are written in (reading order, ending in the key so it is total)."""

    name: str
    model: type[pa.DataFrameModel]
    key: tuple[str, ...]
    sort_by: tuple[str, ...]
    kind: Literal["table", "view"] = "table"


TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec("reports", Reports, ("report_id",), ("report_id",)),
        TableSpec("documents", Documents, ("report_id",), ("report_id",)),
        TableSpec("sentences", Sentences, ("report_id", "sentence_id"), ("report_id", "sentence_id")),
        TableSpec("normalization_edits", NormalizationEdits, ("report_id", "edit_id"), ("report_id", "edit_id")),
        TableSpec("facts", Facts, ("fact_id",), ("report_id", "sentence_id", "span_start", "span_end", "fact_id")),
        TableSpec("indicators", Indicators, ("indicator_code",), ("indicator_code",)),
        TableSpec("target_vs_actual", TargetVsActual, ("region", "indicator_code", "metric", "year"),
                  ("region", "indicator_code", "metric", "year"), kind="view"),
        TableSpec("indicator_series", IndicatorSeries, ("region", "indicator_code", "metric", "period", "status"),
                  ("region", "indicator_code", "metric", "period", "status"), kind="view"),
        TableSpec("quarantine", Quarantine, ("table", "row_key", "check", "column"),
                  ("table", "row_key", "check", "column", "failure_value", "row")),
        TableSpec("data_dictionary", DataDictionary, ("table_name", "column_name"), ("table_name", "ordinal")),
    )
}


def column_dtypes(table: str) -> dict[str, pl.DataType]:
    """The table's columns, in order, with their polars dtypes: the schema of a conformed frame."""
    return {name: col.dtype.type for name, col in TABLES[table].model.to_schema().columns.items()}


# The tables the producers hand over; views, quarantine and the dictionary are made from them.
SOURCE_TABLES = ("reports", "documents", "sentences", "normalization_edits", "facts", "indicators")

# Checks that need a second table, run by `pipeline.lib.validate` (named here so that the data
# dictionary lists them and a test can prove each is implemented). A reference to another table
# is checked against that table as it was handed over, so quarantining a report does not cascade.
CROSS_TABLE_CHECKS: dict[str, dict[str, tuple[str, str]]] = {
    "documents": {
        "report_known": ("report_id", "The report is in `reports`."),
    },
    "sentences": {
        "report_known": ("report_id", "The report is in `reports`."),
        "text_matches_document": ("text", "`documents.text[char_start:char_end]` is the sentence's text."),
    },
    "normalization_edits": {
        "report_known": ("report_id", "The report is in `reports`."),
    },
    "facts": {
        "report_known": ("report_id", "The report is in `reports`."),
        "sentence_known": ("sentence_id", "The sentence is in `sentences`."),
        "region_matches_report": ("region", "The region is the report's region."),
        "span_inside_text": ("span_start,span_end", "The span lies inside the report's normalized text."),
        "span_inside_sentence": ("span_start,span_end", "The span lies inside the fact's sentence."),
        "evidence_contains_span": ("evidence", "`evidence` contains the span's text."),
        "period_near_report_years": (
            "period",
            f"The period lies between {PERIOD_YEARS_BEFORE} years before the report's review year and "
            f"{PERIOD_YEARS_AFTER} years after its plan year.",
        ),
        "result_not_after_plan_year": (
            "period", "An actual or estimate is not for a year after the report's plan year."
        ),
        "indicator_code_in_dictionary": ("indicator_code", "The code is in `indicators`."),
    },
}

# The columns each row check looks at, for the quarantine's `column` and the offending value.
ROW_CHECK_COLUMNS: dict[str, dict[str, str]] = {
    "reports": {
        "quarantined_has_reason": "status,reason",
        "quarantined_has_no_facts": "status,n_facts",
        "years_ordered": "review_year,plan_year",
        "publish_date_near_years": "publish_date,review_year,plan_year",
    },
    "documents": {"n_chars_matches_text": "n_chars"},
    "sentences": {"text_length_matches_offsets": "char_start,char_end,text"},
    "normalization_edits": {
        "raw_offsets_ordered": "raw_start,raw_end",
        "norm_offsets_ordered": "norm_start,norm_end",
    },
    "facts": {
        "growth_in_range": "value",
        "share_in_range": "value",
        "rank_positive_integer": "value",
        "unit_allowed_for_metric": "metric,unit",
        "base_value_with_unit": "value_base,base_unit",
        "span_ordered": "span_start,span_end",
        "stretch_only_for_targets": "stretch,status",
    },
    "indicators": {
        "expected_metrics_known": "expected_metrics",
        "alias_belongs_to_one_code": "aliases",
    },
    "target_vs_actual": {"range_ordered": "target_value,target_value_high"},
    "indicator_series": {"chosen_report_listed": "report_id,report_ids"},
}
