"""Validation: every check can fail, failing rows are quarantined (never dropped), shape errors stop.

The fixture tables (`tests/warehouse_fixtures.py`) are valid; each case below breaks one row in
one way and expects that row in quarantine under the check's name. A meta-test proves that every
check the schemas declare has a case here, so a new check cannot go untested.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from pipeline.lib.validate import (
    DUPLICATE_ROW,
    SchemaMismatchError,
    conform,
    failures_summary,
    validate_tables,
)
from pipeline.lib.warehouse_views import derive_views
from schemas.docs import column_checks, table_checks
from schemas.tables import TABLES
from tests.warehouse_fixtures import PLAN_2024, WORK_2023, source_tables

RUN = "run-test"
Tables = dict[str, pl.DataFrame]


def _all_tables() -> Tables:
    tables = source_tables()
    views = derive_views(tables["reports"], tables["facts"], tables["indicators"])
    return {**tables, **{name: conform(name, df)[0] for name, df in views.items()}}


@pytest.fixture(scope="module")
def clean() -> Tables:
    return _all_tables()


def set_row(df: pl.DataFrame, i: int, **values: Any) -> pl.DataFrame:
    """`df` with row `i`'s columns replaced by `values` (dtypes kept)."""
    rows = df.to_dicts()
    rows[i] = {**rows[i], **values}
    return pl.DataFrame(rows, schema=df.schema)


def add_row(df: pl.DataFrame, i: int, **values: Any) -> pl.DataFrame:
    """`df` with a copy of row `i` (changed by `values`) appended."""
    return pl.concat([df, set_row(df, i, **values)[i : i + 1]])


def row_key(table: str, row: dict[str, Any]) -> str:
    return "/".join("null" if row[k] is None else str(row[k]) for k in TABLES[table].key)


def _fact(tables: Tables, fact_id: str) -> int:
    return tables["facts"]["fact_id"].to_list().index(fact_id)


# (table, check, column, mutation of the tables, row index of the broken row in that table)
Case = tuple[str, str, str | None, Callable[[Tables], Tables], int]


def mutate(table: str, i: int, **values: Any) -> Callable[[Tables], Tables]:
    return lambda t: {**t, table: set_row(t[table], i, **values)}


def duplicate(table: str, i: int, **values: Any) -> Callable[[Tables], Tables]:
    return lambda t: {**t, table: add_row(t[table], i, **values)}


CASES: list[Case] = [
    # reports
    ("reports", "field_uniqueness", "report_id", duplicate("reports", 0, note="another row"), 0),
    ("reports", "str_length(1, None)", "report_id", mutate("reports", 0, report_id=""), 0),
    ("reports", "str_length(1, None)", "source_file", mutate("reports", 0, source_file=""), 0),
    ("reports", "str_matches('^([0-9a-f]{64})?$')", "sha256", mutate("reports", 0, sha256="XYZ"), 0),
    ("reports", "greater_than_or_equal_to(0)", "n_bytes", mutate("reports", 0, n_bytes=-1), 0),
    ("reports", "isin(['ok', 'quarantined'])", "status", mutate("reports", 0, status="broken"), 0),
    ("reports", "isin(['province', 'city', 'district'])", "region_level",
     mutate("reports", 0, region_level="county"), 0),
    ("reports", "isin(['work_report', 'plan_report', 'infographic', 'statistical_bulletin'])", "report_type",
     mutate("reports", 0, report_type="speech"), 0),
    ("reports", "in_range(1949, 2100)", "review_year", mutate("reports", 0, review_year=1900), 0),
    ("reports", "in_range(1949, 2100)", "plan_year", mutate("reports", 0, plan_year=2200), 0),
    ("reports", "isin(['manifest', 'inferred'])", "metadata_source", mutate("reports", 0, metadata_source="x"), 0),
    ("reports", "greater_than_or_equal_to(0)", "n_chars", mutate("reports", 0, n_chars=-1), 0),
    ("reports", "greater_than_or_equal_to(0)", "n_sentences", mutate("reports", 0, n_sentences=-1), 0),
    ("reports", "greater_than_or_equal_to(0)", "n_facts", mutate("reports", 0, n_facts=-1), 0),
    ("reports", "quarantined_has_reason", "status,reason", mutate("reports", 0, reason="a reason but ok"), 0),
    ("reports", "quarantined_has_no_facts", "status,n_facts",
     mutate("reports", 0, status="quarantined", reason="empty file"), 0),
    ("reports", "years_ordered", "review_year,plan_year", mutate("reports", 1, review_year=2024, plan_year=2023), 1),
    ("reports", "publish_date_near_years", "publish_date,review_year,plan_year",
     mutate("reports", 1, publish_date=datetime.date(2030, 1, 1)), 1),
    # documents
    ("documents", "field_uniqueness", "report_id", duplicate("documents", 0, n_edits=7), 0),
    ("documents", "str_length(1, None)", "report_id", mutate("documents", 0, report_id=""), 0),
    ("documents", "greater_than_or_equal_to(0)", "n_chars", mutate("documents", 0, n_chars=-1), 0),
    ("documents", "greater_than_or_equal_to(0)", "n_sentences", mutate("documents", 0, n_sentences=-1), 0),
    ("documents", "greater_than_or_equal_to(0)", "n_edits", mutate("documents", 0, n_edits=-1), 0),
    ("documents", "n_chars_matches_text", "n_chars", mutate("documents", 0, n_chars=3), 0),
    ("documents", "report_known", "report_id", mutate("documents", 0, report_id="ghost"), 0),
    # sentences
    ("sentences", "greater_than_or_equal_to(0)", "sentence_id", mutate("sentences", 1, sentence_id=-1), 1),
    ("sentences", "greater_than_or_equal_to(0)", "paragraph_id", mutate("sentences", 1, paragraph_id=-1), 1),
    ("sentences", "str_length(1, None)", "report_id", mutate("sentences", 1, report_id=""), 1),
    ("sentences", "isin(['review', 'targets', 'tasks', 'other'])", "section_role",
     mutate("sentences", 1, section_role="preface"), 1),
    ("sentences", "str_length(1, None)", "text", mutate("sentences", 1, text=""), 1),
    ("sentences", "greater_than_or_equal_to(0)", "char_start", mutate("sentences", 1, char_start=-1), 1),
    ("sentences", "greater_than_or_equal_to(0)", "char_end", mutate("sentences", 1, char_end=-1), 1),
    ("sentences", "text_length_matches_offsets", "char_start,char_end,text",
     lambda t: {**t, "sentences": set_row(t["sentences"], 1, char_end=t["sentences"]["char_end"][1] + 1)}, 1),
    ("sentences", "multiple_fields_uniqueness", "report_id,sentence_id",
     duplicate("sentences", 1, paragraph_id=9), 1),
    ("sentences", "report_known", "report_id", mutate("sentences", 1, report_id="ghost"), 1),
    ("sentences", "text_matches_document", "text",
     lambda t: {**t, "sentences": set_row(t["sentences"], 1, text="X" + t["sentences"]["text"][1][1:])}, 1),
    # normalization_edits
    ("normalization_edits", "str_length(1, None)", "report_id", mutate("normalization_edits", 0, report_id=""), 0),
    ("normalization_edits", "greater_than_or_equal_to(0)", "edit_id", mutate("normalization_edits", 0, edit_id=-1), 0),
    ("normalization_edits", "str_matches('^[a-z][a-z0-9_]*$')", "kind",
     mutate("normalization_edits", 0, kind="Width!"), 0),
    ("normalization_edits", "greater_than_or_equal_to(0)", "raw_start",
     mutate("normalization_edits", 0, raw_start=-1), 0),
    ("normalization_edits", "greater_than_or_equal_to(0)", "raw_end", mutate("normalization_edits", 0, raw_end=-1), 0),
    ("normalization_edits", "greater_than_or_equal_to(0)", "norm_start",
     mutate("normalization_edits", 0, norm_start=-1), 0),
    ("normalization_edits", "greater_than_or_equal_to(0)", "norm_end",
     mutate("normalization_edits", 0, norm_end=-1), 0),
    ("normalization_edits", "raw_offsets_ordered", "raw_start,raw_end",
     mutate("normalization_edits", 0, raw_start=9), 0),
    ("normalization_edits", "norm_offsets_ordered", "norm_start,norm_end",
     mutate("normalization_edits", 0, norm_end=2), 0),
    ("normalization_edits", "multiple_fields_uniqueness", "report_id,edit_id",
     duplicate("normalization_edits", 0, kind="spam"), 0),
    ("normalization_edits", "report_known", "report_id", mutate("normalization_edits", 0, report_id="ghost"), 0),
    # facts
    ("facts", "field_uniqueness", "fact_id", duplicate("facts", 0, stretch=True), 0),
    ("facts", "str_length(1, None)", "fact_id", mutate("facts", 0, fact_id=""), 0),
    ("facts", "str_length(1, None)", "report_id", mutate("facts", 0, report_id=""), 0),
    ("facts", "greater_than_or_equal_to(0)", "sentence_id", mutate("facts", 0, sentence_id=-1), 0),
    ("facts", "str_length(1, None)", "indicator_text", mutate("facts", 0, indicator_text=""), 0),
    ("facts", "str_matches('^[a-z][a-z0-9_]*$')", "indicator_code", mutate("facts", 0, indicator_code="GDP"), 0),
    ("facts", "isin(['level', 'growth', 'share', 'change', 'rank'])", "metric", mutate("facts", 0, metric="speed"), 0),
    ("facts", "str_length(1, None)", "unit", mutate("facts", 0, unit=""), 0),
    ("facts", "isin(['eq', 'approx', 'ge', 'gt', 'le', 'lt'])", "bound", mutate("facts", 0, bound="about"), 0),
    ("facts", "isin(['actual', 'estimate', 'target'])", "status", mutate("facts", 0, status="hope"), 0),
    ("facts", "in_range(1949, 2100)", "period", mutate("facts", 0, period=1800), 0),
    ("facts", "greater_than_or_equal_to(0)", "span_start", mutate("facts", 0, span_start=-1), 0),
    ("facts", "greater_than_or_equal_to(0)", "span_end", mutate("facts", 0, span_end=-1), 0),
    ("facts", "str_length(1, None)", "evidence", mutate("facts", 0, evidence=""), 0),
    ("facts", "finite", "value", mutate("facts", 0, value=float("inf")), 0),
    ("facts", "finite", "value_base", mutate("facts", 6, value_base=float("-inf")), 6),
    ("facts", "growth_in_range", "value", mutate("facts", 0, value=1500.0), 0),
    ("facts", "share_in_range", "value", mutate("facts", 0, metric="share", value=120.0), 0),
    ("facts", "rank_positive_integer", "value", mutate("facts", 6, metric="rank", unit="名", value=1.5,
                                                      value_base=None, base_unit=None), 6),
    ("facts", "unit_allowed_for_metric", "metric,unit", mutate("facts", 0, unit="亿元"), 0),
    ("facts", "base_value_with_unit", "value_base,base_unit", mutate("facts", 6, base_unit=None), 6),
    ("facts", "span_ordered", "span_start,span_end",
     lambda t: {**t, "facts": set_row(t["facts"], 0, span_end=t["facts"]["span_start"][0])}, 0),
    ("facts", "stretch_only_for_targets", "stretch,status", mutate("facts", 7, stretch=True), 7),
    ("facts", "report_known", "report_id", mutate("facts", 0, report_id="ghost"), 0),
    ("facts", "sentence_known", "sentence_id", mutate("facts", 0, sentence_id=99), 0),
    ("facts", "region_matches_report", "region", mutate("facts", 0, region="济南市"), 0),
    ("facts", "span_inside_text", "span_start,span_end", mutate("facts", 0, span_end=99999), 0),
    ("facts", "span_inside_sentence", "span_start,span_end", mutate("facts", 0, sentence_id=2), 0),
    ("facts", "evidence_contains_span", "evidence", mutate("facts", 0, evidence="与此无关的一句话"), 0),
    ("facts", "period_near_report_years", "period", mutate("facts", 0, period=2040), 0),
    ("facts", "result_not_after_plan_year", "period", mutate("facts", 7, period=2025), 7),
    ("facts", "indicator_code_in_dictionary", "indicator_code", mutate("facts", 0, indicator_code="gdp_typo"), 0),
    # indicators
    ("indicators", "field_uniqueness", "indicator_code", duplicate("indicators", 0, category="other"), 0),
    ("indicators", "str_matches('^[a-z][a-z0-9_]*$')", "indicator_code",
     mutate("indicators", 0, indicator_code="GDP"), 0),
    ("indicators", "str_length(1, None)", "name_zh", mutate("indicators", 0, name_zh=""), 0),
    ("indicators", "str_length(1, None)", "name_en", mutate("indicators", 0, name_en=""), 0),
    ("indicators", "str_length(1, None)", "category", mutate("indicators", 0, category=""), 0),
    ("indicators", "isin(['higher', 'lower'])", "direction", mutate("indicators", 0, direction="up"), 0),
    ("indicators", "expected_metrics_known", "expected_metrics",
     mutate("indicators", 0, expected_metrics=["speed"]), 0),
    ("indicators", "alias_belongs_to_one_code", "aliases", mutate("indicators", 2, aliases=["生产总值"]), 2),
    # target_vs_actual
    ("target_vs_actual", "str_length(1, None)", "region", mutate("target_vs_actual", 0, region=""), 0),
    ("target_vs_actual", "str_matches('^[a-z][a-z0-9_]*$')", "indicator_code",
     mutate("target_vs_actual", 0, indicator_code="CPI"), 0),
    ("target_vs_actual", "isin(['level', 'growth', 'share', 'change', 'rank'])", "metric",
     mutate("target_vs_actual", 0, metric="x"), 0),
    ("target_vs_actual", "in_range(1949, 2100)", "year", mutate("target_vs_actual", 0, year=1900), 0),
    ("target_vs_actual", "isin(['higher', 'lower'])", "direction", mutate("target_vs_actual", 0, direction="x"), 0),
    ("target_vs_actual", "isin(['eq', 'approx', 'ge', 'gt', 'le', 'lt'])", "target_bound",
     mutate("target_vs_actual", 0, target_bound="x"), 0),
    ("target_vs_actual", "isin(['le', 'lt'])", "target_bound_high",
     mutate("target_vs_actual", 0, target_bound_high="ge", target_value_high=9.0), 0),
    ("target_vs_actual", "str_length(1, None)", "target_unit", mutate("target_vs_actual", 0, target_unit=""), 0),
    ("target_vs_actual", "isin(['eq', 'approx', 'ge', 'gt', 'le', 'lt'])", "actual_bound",
     mutate("target_vs_actual", 0, actual_bound="x"), 0),
    ("target_vs_actual", "isin(['actual', 'estimate'])", "actual_status",
     mutate("target_vs_actual", 0, actual_status="target"), 0),
    ("target_vs_actual", "range_ordered", "target_value,target_value_high",
     mutate("target_vs_actual", 0, target_value_high=-1.0, target_bound_high="le"), 0),
    ("target_vs_actual", "multiple_fields_uniqueness", "region,indicator_code,metric,year",
     duplicate("target_vs_actual", 0, met=None), 0),
    # indicator_series
    ("indicator_series", "str_length(1, None)", "region", mutate("indicator_series", 0, region=""), 0),
    ("indicator_series", "str_matches('^[a-z][a-z0-9_]*$')", "indicator_code",
     mutate("indicator_series", 0, indicator_code="CPI"), 0),
    ("indicator_series", "isin(['level', 'growth', 'share', 'change', 'rank'])", "metric",
     mutate("indicator_series", 0, metric="x"), 0),
    ("indicator_series", "in_range(1949, 2100)", "period", mutate("indicator_series", 0, period=3000), 0),
    ("indicator_series", "isin(['actual', 'estimate', 'target'])", "status",
     mutate("indicator_series", 0, status="x"), 0),
    ("indicator_series", "isin(['eq', 'approx', 'ge', 'gt', 'le', 'lt'])", "bound",
     mutate("indicator_series", 0, bound="x"), 0),
    ("indicator_series", "isin(['le', 'lt'])", "bound_high", mutate("indicator_series", 0, bound_high="x"), 0),
    ("indicator_series", "str_length(1, None)", "unit", mutate("indicator_series", 0, unit=""), 0),
    ("indicator_series", "greater_than_or_equal_to(1)", "n_reports", mutate("indicator_series", 0, n_reports=0), 0),
    ("indicator_series", "chosen_report_listed", "report_id,report_ids",
     mutate("indicator_series", 0, report_ids=["other"]), 0),
    ("indicator_series", "multiple_fields_uniqueness", "region,indicator_code,metric,period,status",
     duplicate("indicator_series", 0, value=99.0), 0),
]


@pytest.mark.parametrize(("table", "check", "column", "breakage", "index"), CASES,
                         ids=[f"{c[0]}:{c[1]}:{c[2]}" for c in CASES])
def test_each_check_quarantines_its_bad_row(clean: Tables, table: str, check: str, column: str | None,
                                            breakage: Callable[[Tables], Tables], index: int) -> None:
    broken = breakage(clean)
    bad_row = broken[table].row(index, named=True)
    result = validate_tables({table: broken[table]}, RUN, references=broken)
    q = result.quarantine.filter(pl.col("table") == table, pl.col("check") == check)
    assert q.filter(pl.col("column").eq_missing(column), pl.col("row_key") == row_key(table, bad_row)).height, (
        f"{check} on {column} did not quarantine {bad_row}:\n{result.quarantine}")
    assert (q["run_id"] == RUN).all()
    assert result.tables[table].height < broken[table].height
    assert not result.checks[table].passed
    # the row is moved, not lost: its content is in the quarantine
    assert q["row"].str.json_decode().struct.field(TABLES[table].key[0]).is_in([bad_row[TABLES[table].key[0]]]).any()


@pytest.mark.parametrize("sliced", [False, True], ids=["whole", "sliced"])
@pytest.mark.parametrize(("table", "check", "column", "breakage", "index"), CASES,
                         ids=[f"{c[0]}:{c[1]}:{c[2]}" for c in CASES])
def test_scans_validate_as_frames_in_memory_do(clean: Tables, tmp_path: Path, table: str, check: str,
                                               column: str | None, breakage: Callable[[Tables], Tables],
                                               index: int, sliced: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    # The pipeline hands the large tables over as scans of Parquet: the answer must not change,
    # also when a scan is validated a few reports at a time.
    if sliced:
        import pipeline.lib.validate as validate

        monkeypatch.setattr(validate, "_SLICE_ROWS", 2)
    broken = breakage(clean)
    scans = {}
    for name, df in broken.items():
        df.write_parquet(tmp_path / f"{name}.parquet")
        scans[name] = pl.scan_parquet(tmp_path / f"{name}.parquet")
    in_memory, scanned = validate_tables(broken, RUN), validate_tables(scans, RUN)
    assert scanned.quarantine.filter(pl.col("table") == table, pl.col("check") == check).height
    assert scanned.quarantine.equals(in_memory.quarantine)
    assert scanned.checks == in_memory.checks
    for name, df in in_memory.tables.items():
        assert isinstance(scanned.tables[name], pl.LazyFrame)
        assert scanned.tables[name].collect().equals(df), name


def _scans(tables: Tables, folder: Path) -> dict[str, pl.LazyFrame]:
    folder.mkdir()
    for name, df in tables.items():
        df.write_parquet(folder / f"{name}.parquet")
    return {name: pl.scan_parquet(folder / f"{name}.parquet") for name in tables}


@pytest.mark.parametrize(("table", "check", "column", "breakage", "index"), CASES,
                         ids=[f"{c[0]}:{c[1]}:{c[2]}" for c in CASES])
def test_a_ledger_skips_unchanged_reports_and_changes_no_answer(
        clean: Tables, tmp_path: Path, table: str, check: str, column: str | None,
        breakage: Callable[[Tables], Tables], index: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # With the ledger of the run before, the row checks skip the reports unchanged since they
    # passed: the answer must be that of checking every row, in the run that first sees the broken
    # row and in the one after (its report failed, so it is checked again).
    import pipeline.lib.validate as validate

    monkeypatch.setattr(validate, "_SLICE_ROWS", 2)
    broken = breakage(clean)
    before = validate_tables(_scans(clean, tmp_path / "clean"), RUN)
    expected = validate_tables(_scans(broken, tmp_path / "every_row"), RUN)
    after_clean = validate_tables(_scans(broken, tmp_path / "after_clean"), RUN, ledger=before.ledger)
    again = validate_tables(_scans(broken, tmp_path / "again"), RUN, ledger=after_clean.ledger)
    assert before.reports_skipped == expected.reports_skipped == 0
    for got in (after_clean, again):
        assert got.quarantine.equals(expected.quarantine)
        assert got.checks == expected.checks
        for name, df in expected.tables.items():
            assert got.tables[name].collect().equals(df.collect()), name
    # Two reports, one broken: the other is skipped; both when a view is broken (the views are
    # checked whole, and no report's rows changed); none when the dictionary (every report's) is.
    assert after_clean.reports_skipped == {"indicators": 0, "target_vs_actual": 2, "indicator_series": 2}.get(table, 1)
    assert again.reports_skipped >= after_clean.reports_skipped


def test_a_ledger_of_other_rows_or_another_dictionary_skips_nothing(clean: Tables, tmp_path: Path) -> None:
    before = validate_tables(_scans(clean, tmp_path / "before"), RUN)
    same = validate_tables(_scans(clean, tmp_path / "same"), RUN, ledger=before.ledger)
    assert same.reports_skipped == 2 and same.ledger.equals(before.ledger)
    facts = set_row(clean["facts"], 0, evidence=clean["facts"]["evidence"][0] + "。")
    changed = validate_tables(_scans({**clean, "facts": facts}, tmp_path / "changed"), RUN, ledger=before.ledger)
    assert changed.reports_skipped == 1
    indicators = set_row(clean["indicators"], 0, name_en="another name")
    other = validate_tables(_scans({**clean, "indicators": indicators}, tmp_path / "dictionary"), RUN,
                            ledger=before.ledger)
    assert other.reports_skipped == 0


def test_every_declared_check_has_a_failing_case() -> None:
    covered = {(table, check) for table, check, *_ in CASES}
    declared = set()
    for name, spec in TABLES.items():
        if name in ("quarantine", "data_dictionary"):
            continue
        for column in spec.model.to_schema().columns:
            declared |= {(name, c) for c in column_checks(spec, column) if c != "not_nullable"}
        declared |= {(name, c) for c, _ in table_checks(spec)}
    assert declared - covered == set()


@pytest.mark.parametrize("table", ["reports", "documents", "sentences", "normalization_edits", "facts",
                                   "indicators", "target_vs_actual", "indicator_series"])
def test_every_required_column_rejects_null(clean: Tables, table: str) -> None:
    required = [name for name, col in TABLES[table].model.to_schema().columns.items() if not col.nullable]
    broken = {**clean, table: set_row(clean[table], 0, **dict.fromkeys(required))}
    q = validate_tables({table: broken[table]}, RUN, references=broken).quarantine
    nulls = q.filter(pl.col("table") == table, pl.col("check") == "not_nullable")
    assert sorted(nulls["column"]) == sorted(required)  # lazy: every column's failure, from one row
    assert nulls["row_key"].n_unique() == 1


def test_valid_tables_pass_untouched(clean: Tables) -> None:
    result = validate_tables(clean, RUN)
    assert result.quarantine.height == 0
    assert result.n_quarantined == 0
    assert all(c.passed for c in result.checks.values())
    for name, df in clean.items():
        assert result.tables[name].equals(df), name
    assert failures_summary(result) == "no row quarantined"


def test_every_failure_of_a_row_is_collected_and_counted(clean: Tables) -> None:
    facts = set_row(clean["facts"], 0, value=1500.0, unit="亿元", evidence="无关", indicator_code="nope")
    result = validate_tables({**clean, "facts": facts}, RUN)
    checks = set(result.quarantine.filter(pl.col("row_key") == "f000")["check"])
    assert {"growth_in_range", "unit_allowed_for_metric", "evidence_contains_span",
            "indicator_code_in_dictionary"} <= checks
    counts = result.checks["facts"]
    assert (counts.n_rows, counts.n_valid, counts.n_quarantined) == (facts.height, facts.height - 1, 1)
    assert counts.failures_by_check["growth_in_range"] == 1
    assert "facts: 1 of 12 rows quarantined" in failures_summary(result)


def test_quarantined_fact_removes_nothing_else(clean: Tables) -> None:
    result = validate_tables({**clean, "facts": set_row(clean["facts"], 0, value=1500.0)}, RUN)
    assert result.checks["facts"].n_quarantined == 1
    for name in clean:
        if name != "facts":
            assert result.tables[name].height == clean[name].height, name


def test_quarantined_report_keeps_its_reason_and_does_not_cascade(clean: Tables) -> None:
    reports = set_row(clean["reports"], 0, region_level="county")
    result = validate_tables({**clean, "reports": reports}, RUN)
    row = result.quarantine.filter(pl.col("table") == "reports").row(0, named=True)
    assert (row["row_key"], row["column"], row["failure_value"]) == (WORK_2023, "region_level", "county")
    assert WORK_2023 not in result.tables["reports"]["report_id"].to_list()
    assert result.tables["facts"].height == clean["facts"].height  # its facts are still published


def test_exact_copy_goes_to_quarantine_and_the_first_stays(clean: Tables) -> None:
    facts = pl.concat([clean["facts"], clean["facts"][3:4]])
    result = validate_tables({**clean, "facts": facts}, RUN)
    assert result.quarantine["check"].to_list() == [DUPLICATE_ROW]
    assert result.tables["facts"].height == clean["facts"].height
    assert result.tables["facts"]["fact_id"].n_unique() == clean["facts"].height


def test_quarantine_is_sorted_and_independent_of_input_order(clean: Tables) -> None:
    facts = clean["facts"]
    broken = {**clean, "facts": set_row(set_row(facts, 5, value=5000.0, unit="%", metric="share"), 1,
                                        evidence="x")}
    first = validate_tables(broken, RUN).quarantine
    shuffled = {**broken, "facts": broken["facts"].sample(fraction=1.0, shuffle=True, seed=7)}
    second = validate_tables(shuffled, RUN).quarantine
    assert first.equals(second)
    assert first.equals(first.sort("table", "row_key", "check", "column", "failure_value", nulls_last=True))
    assert first.columns == ["table", "row_key", "check", "column", "failure_value", "run_id", "row"]


def test_missing_column_stops_the_run_naming_table_and_column(clean: Tables) -> None:
    with pytest.raises(SchemaMismatchError, match=r"table 'facts' has no column 'evidence'"):
        validate_tables({**clean, "facts": clean["facts"].drop("evidence")}, RUN)


def test_uncastable_dtype_stops_the_run(clean: Tables) -> None:
    facts = clean["facts"].with_columns(pl.col("period").cast(pl.String) + "年")
    with pytest.raises(SchemaMismatchError, match=r"table 'facts': column 'period' is String"):
        validate_tables({**clean, "facts": facts}, RUN)
    facts = clean["facts"].with_columns(pl.col("sentence_id").cast(pl.Float64) + 0.5)
    with pytest.raises(SchemaMismatchError, match="not whole numbers"):
        validate_tables({**clean, "facts": facts}, RUN)


def test_lossless_casts_and_extra_columns(clean: Tables) -> None:
    facts = clean["facts"].with_columns(
        pl.col("period").cast(pl.Int64), pl.col("sentence_id").cast(pl.Float64), pl.col("value").cast(pl.Float32),
        debug=pl.lit("x"))
    indicators = clean["indicators"].drop("direction")
    result = validate_tables({**clean, "facts": facts, "indicators": indicators}, RUN)
    assert result.quarantine.height == 0
    assert result.tables["facts"].schema == clean["facts"].schema
    assert result.checks["facts"].dropped_columns == ("debug",)
    assert result.tables["indicators"]["direction"].null_count() == indicators.height


def test_cross_table_checks_need_their_tables(clean: Tables) -> None:
    with pytest.raises(ValueError, match="needs the 'sentences' table"):
        validate_tables({"reports": clean["reports"], "facts": clean["facts"]}, RUN)
    with pytest.raises(ValueError, match="no schema for table"):
        validate_tables({**clean, "facts_v2": clean["facts"]}, RUN)


def test_a_report_without_years_does_not_fail_the_period_check(clean: Tables) -> None:
    reports = set_row(clean["reports"], 1, review_year=None, plan_year=None)
    result = validate_tables({**clean, "reports": reports}, RUN)
    assert result.quarantine.height == 0, result.quarantine
    assert result.tables["facts"].filter(pl.col("report_id") == PLAN_2024).height == 6


# --- the text checks, against Python's own slicing ------------------------------------------------
#
# `text_matches_document`, `span_inside_text` and `evidence_contains_span` cut documents by
# character offsets without Python (see `pipeline.lib.validate._match_in_reading_order` and
# `_char_slices`): byte offsets are derived from the sentences, or from the positions of the bytes
# that start a character. Random documents of 1- to 4-byte characters, with sentences that tile
# them, skip a non-ASCII gap, overlap, come out of order or do not match, must give the answer of
# plain `text[start:end]`.

_ALPHABET = ["a", "7", "\n", "中", "文", "。", "\u3000", "𠀀", "é"]


def _python_slice(texts: dict[str, str | None], rid: str | None, start: int | None, end: int | None) -> str | None:
    text = texts.get(rid) if rid is not None else None
    if text is None or start is None or end is None or not 0 <= start <= end <= len(text):
        return None
    return text[start:end]


def _random_text_tables(seed: int) -> Tables:
    import random

    rng = random.Random(seed)
    clean = source_tables()
    sentence_row, fact_row = clean["sentences"].row(1, named=True), clean["facts"].row(0, named=True)
    docs, sentences, facts = [], [], []
    for d in range(6):
        rid = f"r{d}"
        text = "".join(rng.choice(_ALPHABET) for _ in range(rng.randrange(0, 60)))
        docs.append({"report_id": rid, "text": text})
        position, sid = 0, 0
        while position < len(text) + 2:
            start = max(0, position + rng.choice([0, 0, 0, 1, 2, -1]))
            end = start + rng.randrange(0, 12)
            piece = text[start:end] if end <= len(text) else text[start:] + "x" * (end - len(text))
            piece = rng.choice([piece] * 6 + ["", piece[:-1] + "中" if piece else "中", "a" + piece[1:]])
            sentences.append({**sentence_row, "report_id": rid, "sentence_id": sid, "text": piece,
                              "char_start": start, "char_end": end})
            for _ in range(rng.randrange(0, 3)):
                span_start = start + rng.randrange(-1, 4)
                span_end = span_start + rng.randrange(-1, 4)
                span = text[max(span_start, 0):max(span_end, 0)]
                evidence = rng.choice([piece, piece + "！", "前" + span + "后", "无关", span[:-1] + "x"])
                facts.append({**fact_row, "fact_id": f"f{len(facts)}", "report_id": rid,
                              "sentence_id": sid + rng.choice([0, 0, 0, 1]), "span_start": span_start,
                              "span_end": span_end, "evidence": evidence or "-"})
            position, sid = end, sid + 1
    sentences_df = pl.DataFrame(sentences, schema=clean["sentences"].schema)
    if seed % 3 == 0:
        sentences_df = sentences_df.sample(fraction=1.0, shuffle=True, seed=seed)
    documents = pl.DataFrame(docs).with_columns(
        n_chars=pl.col("text").str.len_chars(), n_sentences=pl.lit(0), n_edits=pl.lit(0))
    return {**clean, "documents": documents, "sentences": sentences_df,
            "facts": pl.DataFrame(facts, schema=clean["facts"].schema)}


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("small_pieces", [False, True], ids=["whole", "in-pieces"])
def test_text_checks_agree_with_python_slicing(seed: int, small_pieces: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    if small_pieces:  # the work is cut into pieces of a few rows and a few hundred bytes of text
        import pipeline.lib.validate as validate

        monkeypatch.setattr(validate, "_MATCH_ROWS", 7)
        monkeypatch.setattr(validate, "_SLICE_CHUNK_BYTES", 200)
    tables = _random_text_tables(seed)
    texts = dict(zip(tables["documents"]["report_id"], tables["documents"]["text"], strict=True))
    sentences, facts = tables["sentences"], tables["facts"]
    expected = {
        ("sentences", "text_matches_document"): {
            i for i, r in enumerate(sentences.iter_rows(named=True))
            if _python_slice(texts, r["report_id"], r["char_start"], r["char_end"]) != r["text"]},
        ("facts", "span_inside_text"): {
            i for i, r in enumerate(facts.iter_rows(named=True))
            if not _python_slice(texts, r["report_id"], r["span_start"], r["span_end"])},
        ("facts", "evidence_contains_span"): {
            i for i, r in enumerate(facts.iter_rows(named=True))
            if not ((span := _python_slice(texts, r["report_id"], r["span_start"], r["span_end"]))
                    and span in r["evidence"])},
    }
    result = validate_tables({"sentences": sentences, "facts": facts}, RUN, references=tables)
    for (table, check), rows in expected.items():
        keys = {row_key(table, tables[table].row(i, named=True)) for i in rows}
        found = set(result.quarantine.filter(pl.col("table") == table, pl.col("check") == check)["row_key"])
        assert found == keys, (table, check)
    assert expected[("sentences", "text_matches_document")], "the case should break some sentences"


def test_sentence_ids_beyond_32_bits_are_still_found(clean: Tables) -> None:
    big = 1 << 40
    sentences = clean["sentences"].with_columns(pl.col("sentence_id") + big)
    facts = clean["facts"].with_columns(pl.col("sentence_id") + big)
    result = validate_tables({**clean, "sentences": sentences, "facts": facts}, RUN)
    assert result.quarantine.height == 0, result.quarantine


def test_looked_up_tables_are_one_chunk_when_their_file_has_many_row_groups(clean: Tables, tmp_path: Path) -> None:
    # Gathering the documents' texts beside each sentence from a table read in many chunks (one
    # per Parquet row group) copied every gathered text: ~15 GB at 10,000 reports.
    from pipeline.lib.validate import _Lookup

    clean["documents"].write_parquet(tmp_path / "documents.parquet", row_group_size=1)
    scan = pl.scan_parquet(tmp_path / "documents.parquet")
    assert scan.collect().n_chunks() > 1
    assert _Lookup({"documents": scan}).table("documents").n_chunks() == 1


def test_a_report_in_several_slices_has_one_hash_per_table(clean: Tables, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    # Sentences ordered by id interleave the two reports: slices of two rows cut each report's
    # rows apart, and their hashes must still be one per report, as publishing computes them.
    import pipeline.lib.validate as validate
    from pipeline.lib.frames import report_hashes

    monkeypatch.setattr(validate, "_SLICE_ROWS", 2)
    tables = {**clean, "sentences": clean["sentences"].sort("sentence_id")}
    result = validate_tables(_scans(tables, tmp_path / "t"), RUN)
    got = result.report_hashes.filter(pl.col("table") == "sentences").sort("report_id")
    assert got.equals(report_hashes("sentences", tables["sentences"]))
