"""The per-report stages: rows kept from the previous run and rows computed now make the same
tables, in the same order, as computing every report afresh."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from pipeline.lib.batch import write_ledger
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
                            work / "extract.parquet", work / "parts-e")
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
