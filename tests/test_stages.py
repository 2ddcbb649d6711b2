"""The per-report stages: rows kept from the previous run and rows computed now make the same
tables, in the same order, as computing every report afresh."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest

from pipeline.lib.batch import clear_ledger, write_ledger
from pipeline.lib.inventory import build_inventory
from pipeline.lib.stages import NORMALIZED_TABLES, extract_reports, normalize_reports

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "raw"


def _stored(tables: dict[str, pl.LazyFrame], folder: Path) -> dict[str, pl.LazyFrame]:
    """The tables written out as the IO manager would, and scanned back as the next run reads them."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        frame.sink_parquet(folder / f"{name}.parquet")
    return {name: pl.scan_parquet(folder / f"{name}.parquet") for name in tables}


def _both_stages(reports: pl.DataFrame, work: Path, out: Path, previous: dict[str, pl.LazyFrame]
                 ) -> tuple[dict[str, pl.LazyFrame], int, int]:
    """Normalize and extract `reports` with the ledgers in `work`, the tables stored in `out`."""
    normalized = normalize_reports(reports, RAW, {n: previous[n] for n in NORMALIZED_TABLES if n in previous},
                                   work / "normalize.parquet", work / "parts-n")
    stored = _stored(normalized.tables, out)
    write_ledger(work / "normalize.parquet", normalized.ledger)  # as the asset does, once all is stored
    facts = extract_reports(reports, stored["documents"], stored["sentences"], previous.get("facts"),
                            work / "extract.parquet", work / "parts-e", work / "normalize.parquet")
    stored_facts = _stored(facts.tables, out)
    write_ledger(work / "extract.parquet", facts.ledger)
    return {**stored, **stored_facts}, normalized.n_computed, facts.n_computed


@pytest.mark.parametrize("left_out", [0, 2, 4], ids=["first", "middle", "last"])
def test_a_new_report_merges_into_the_kept_rows_in_key_order(tmp_path: Path, left_out: int) -> None:
    reports = build_inventory(RAW).sort("report_id")
    fresh, _, _ = _both_stages(reports, tmp_path / "fresh", tmp_path / "fresh-out", {})
    without = reports.filter(pl.int_range(pl.len()) != left_out)
    before, _, _ = _both_stages(without, tmp_path / "run", tmp_path / "first-out", {})
    after, n_normalized, n_extracted = _both_stages(reports, tmp_path / "run", tmp_path / "second-out", before)
    assert (n_normalized, n_extracted) == (1, 1)  # only the new report was computed
    for name, frame in fresh.items():
        expected, got = frame.collect(), after[name].collect()
        assert expected.height > 0, name
        assert got.equals(expected), name


def test_facts_read_from_half_stored_tables_are_not_kept(tmp_path: Path) -> None:
    """Normalize stored `documents` of an edited report, then failed before `sentences` (its ledger
    cleared, as the asset does); `facts` was then materialized alone, from the new documents and
    the old sentences. The next full run must read that report's facts again: they are not vouched
    for by normalize's ledger."""
    raw, work = tmp_path / "raw", tmp_path / "work"
    shutil.copytree(RAW, raw)
    reports = build_inventory(raw).sort("report_id")
    first = normalize_reports(reports, raw, {}, work / "normalize.parquet", work / "pn")
    stored = _stored(first.tables, tmp_path / "run1")
    write_ledger(work / "normalize.parquet", first.ledger)
    facts = extract_reports(reports, stored["documents"], stored["sentences"], None, work / "extract.parquet",
                            work / "pe", work / "normalize.parquet")
    old_facts = _stored(facts.tables, tmp_path / "run1")["facts"]
    write_ledger(work / "extract.parquet", facts.ledger)

    victim = sorted(raw.glob("*.txt"))[1]
    victim.write_text("全市新增测试企业4321家。\n" + victim.read_text(encoding="utf-8"), encoding="utf-8")
    reports = build_inventory(raw).sort("report_id")
    second = normalize_reports(reports, raw, stored, work / "normalize.parquet", work / "pn")
    clear_ledger(work / "normalize.parquet")
    half = {**stored, "documents": _stored({"documents": second.tables["documents"]}, tmp_path / "run2")["documents"]}
    alone = extract_reports(reports, half["documents"], half["sentences"], old_facts, work / "extract.parquet",
                            work / "pe", work / "normalize.parquet")
    alone_facts = _stored(alone.tables, tmp_path / "run3")["facts"]
    write_ledger(work / "extract.parquet", alone.ledger)

    again = normalize_reports(reports, raw, half, work / "normalize.parquet", work / "pn")
    assert again.n_reused == 0  # no ledger: everything normalized again
    renormalized = _stored(again.tables, tmp_path / "run4")
    write_ledger(work / "normalize.parquet", again.ledger)
    final = extract_reports(reports, renormalized["documents"], renormalized["sentences"], alone_facts,
                            work / "extract.parquet", work / "pe", work / "normalize.parquet")
    fresh, _, _ = _both_stages_at(raw, reports, tmp_path / "fresh")
    assert final.tables["facts"].collect().equals(fresh["facts"].collect())
    assert fresh["facts"].filter(pl.col("value") == 4321.0).collect().height == 1


def _both_stages_at(raw: Path, reports: pl.DataFrame, folder: Path) -> tuple[dict[str, pl.LazyFrame], int, int]:
    normalized = normalize_reports(reports, raw, {}, folder / "n.parquet", folder / "pn")
    stored = _stored(normalized.tables, folder / "out")
    facts = extract_reports(reports, stored["documents"], stored["sentences"], None, folder / "e.parquet",
                            folder / "pe")
    return {**stored, **_stored(facts.tables, folder / "out")}, normalized.n_computed, facts.n_computed
