"""The second held-out set as a test: the real stages over tests/heldout2/raw, scored against its gold.

The six texts in tests/heldout2/raw/ are written in the style of reports from regions and years
used nowhere else in the repository: a province's plan execution report (河南 2022→2023), a
prefecture-level city's work report with a range target and 力争 goals (昆明 2023→2024), a county's
work report with Chinese numerals and 余/多/近/逾 (湄潭县 2019→2020), a city's statistical bulletin
(厦门 2023), a national new area's work report with park and company figures (滨海新区 2023→2024),
and a scraped web page with full-width digits, page chrome and a word broken across a page-break
marker (山西 2022→2023). Their gold (tests/heldout2/gold/) was written from the text alone,
following SPEC and the seed gold's notes, and committed (24cd277) before the extractor was run.

The floor is the score measured then, at commit 24cd277 (strict and lenient P 0.991, R 0.961,
F1 0.976 overall), less 0.03. Never edit the texts or the gold to pass: a miss is a finding to fix
with a general rule. Once rules are fitted with these texts in view, the set no longer measures
how the extractor generalises.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from pipeline.lib.evaluate import render, score_facts
from pipeline.lib.inventory import build_inventory
from pipeline.lib.stages import extract_reports, normalize_reports

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "tests" / "heldout2" / "raw"
GOLD = ROOT / "tests" / "heldout2" / "gold"
MEASURED_STRICT_F1 = 0.976
STRICT_F1_FLOOR = MEASURED_STRICT_F1 - 0.03


@pytest.fixture(scope="module")
def heldout2(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pl.DataFrame]:
    """reports, documents and facts of the second held-out folder, by the pipeline's own stages."""
    ledgers = tmp_path_factory.mktemp("heldout2_ledgers")
    reports = build_inventory(RAW)
    normalized = normalize_reports(reports, RAW, {}, ledgers / "normalize.parquet").tables
    facts = extract_reports(reports, normalized["documents"], normalized["sentences"], None,
                            ledgers / "extract.parquet").tables["facts"]
    return {"reports": reports, "documents": normalized["documents"], "facts": facts}


def test_heldout2_reports_are_read_with_their_manifest(heldout2: dict[str, pl.DataFrame]) -> None:
    reports = heldout2["reports"]
    stems = {p.stem for p in GOLD.glob("*.csv")}
    assert set(reports["report_id"].to_list()) == stems
    assert set(reports["status"].to_list()) == {"ok"}
    assert set(reports["metadata_source"].to_list()) == {"manifest"}


def test_heldout2_gold_meets_the_floor(heldout2: dict[str, pl.DataFrame]) -> None:
    result = score_facts(heldout2["facts"], heldout2["reports"], GOLD, misses=True)
    assert set(result["reports"]) == {p.stem for p in GOLD.glob("*.csv")}
    assert result["strict"]["f1"] >= STRICT_F1_FLOOR, (
        f"strict F1 {result['strict']['f1']:.3f} < floor {STRICT_F1_FLOOR:.3f}\n{render(result)}")


def test_heldout2_facts_are_traceable(heldout2: dict[str, pl.DataFrame]) -> None:
    """normalized[span_start:span_end] holds the number, and the evidence holds the span."""
    texts = dict(heldout2["documents"].select("report_id", "text").iter_rows())
    facts = heldout2["facts"]
    assert facts.height > 0
    for f in facts.iter_rows(named=True):
        span = texts[f["report_id"]][f["span_start"]:f["span_end"]]
        assert span and span in f["evidence"], f
    assert facts["fact_id"].n_unique() == facts.height
