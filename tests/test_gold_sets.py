"""Every gold set as a test: the pipeline's own stages over a raw folder, scored as SPEC says.

- `seeds`: raw/ against tests/gold/. The goals of issue 4 are its floors (strict F1 ≥ 0.95,
  lenient ≥ 0.97). The same code runs on reports that are not in the repository, so a rule written
  to pass this for one seed's wording is a bug, not a fix.
- `heldout`: six texts in the style of reports of other regions and years (a province's work
  report, a city's plan report, a county's work report, a statistical bulletin, a scraped web page
  with full-width digits, a markdown infographic), with gold written from the text before the
  extractor first ran on them; measured then at strict F1 0.972. Rules have since been fitted with
  these texts in view: it now guards against regressions, no longer measures generalisation.
- `heldout2`: a second set written blind, from the language of reports alone (河南 plan report,
  昆明 work report, 湄潭县, 厦门 bulletin, 滨海新区, a scraped 山西 page), committed before any run
  (24cd277); measured then at strict F1 0.976, before its misses were fixed with general rules.
- `heldout3`: a third set written blind (甘肃 2021 work report, 徐州 2022 plan, 安吉县 2019, 大连 2021
  bulletin, a scraped 龙岗区 page with lines wrapped inside values, a 温州 infographic), committed
  before any run; measured then at strict F1 0.970, before its misses were fixed with general rules.
- `heldout4`: a fourth set written blind (赣州 2013 with 百分之 numbers and old names, 海北州, 黑龙江
  2022 bulletin, 石家庄 press conference, 大冶市 plan with text tables, 东莞 2025), committed before
  any run; measured then at strict F1 0.913, before its misses were fixed with general rules (text
  tables among them).

Never edit a text or its gold to pass: a miss is a finding to fix with a general rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest

from pipeline.lib.evaluate import render, score_facts
from pipeline.lib.inventory import build_inventory
from pipeline.lib.stages import extract_reports, normalize_reports

ROOT = Path(__file__).resolve().parents[1]
REPORT_FLOOR = 0.90  # no single report of any set may fall below this strict F1


@dataclass(frozen=True)
class GoldSet:
    name: str
    raw: Path
    gold: Path
    strict_floor: float
    lenient_floor: float


GOLD_SETS = [
    GoldSet("seeds", ROOT / "raw", ROOT / "tests" / "gold", 0.95, 0.97),
    # The held-out sets score 1.000 since rules were fitted with them in view: the floors now guard
    # those rules against regressions (first, blind measurements: 0.972, 0.976, 0.970 and 0.913).
    GoldSet("heldout", ROOT / "tests" / "heldout" / "raw", ROOT / "tests" / "heldout" / "gold", 0.98, 0.98),
    GoldSet("heldout2", ROOT / "tests" / "heldout2" / "raw", ROOT / "tests" / "heldout2" / "gold", 0.98, 0.98),
    GoldSet("heldout3", ROOT / "tests" / "heldout3" / "raw", ROOT / "tests" / "heldout3" / "gold", 0.98, 0.98),
    GoldSet("heldout4", ROOT / "tests" / "heldout4" / "raw", ROOT / "tests" / "heldout4" / "gold", 0.98, 0.98),
]


@pytest.fixture(scope="module", params=GOLD_SETS, ids=lambda s: s.name)
def run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """reports, documents and facts of one gold set's raw folder, by the pipeline's own stages."""
    gold_set: GoldSet = request.param
    ledgers = tmp_path_factory.mktemp(gold_set.name)
    reports = build_inventory(gold_set.raw)
    normalized = normalize_reports(reports, gold_set.raw, {}, ledgers / "normalize.parquet", ledgers / "n").tables
    facts = extract_reports(reports, normalized["documents"], normalized["sentences"], None,
                            ledgers / "extract.parquet", ledgers / "e").tables["facts"]
    return {"set": gold_set, "reports": reports, "documents": normalized["documents"].collect(),
            "facts": facts.collect()}


def test_reports_are_read_with_their_manifest(run: dict) -> None:
    reports: pl.DataFrame = run["reports"]
    assert set(reports["report_id"].to_list()) == {p.stem for p in run["set"].gold.glob("*.csv")}
    assert set(reports["status"].to_list()) == {"ok"}
    assert set(reports["metadata_source"].to_list()) == {"manifest"}


def test_gold_score_meets_the_floors(run: dict) -> None:
    gold_set: GoldSet = run["set"]
    result = score_facts(run["facts"], run["reports"], gold_set.gold, misses=True)
    assert set(result["reports"]) == {p.stem for p in gold_set.gold.glob("*.csv")}
    assert result["strict"]["f1"] >= gold_set.strict_floor, render(result)
    assert result["lenient"]["f1"] >= gold_set.lenient_floor, render(result)
    low = {stem: e["strict"]["f1"] for stem, e in result["reports"].items() if e["strict"]["f1"] < REPORT_FLOOR}
    assert not low, f"reports under the strict F1 floor {REPORT_FLOOR}: {low}\n{render(result)}"


def test_facts_are_traceable(run: dict) -> None:
    """normalized[span_start:span_end] holds the number, the evidence holds the span, ids are unique."""
    texts = dict(run["documents"].select("report_id", "text").iter_rows())
    facts: pl.DataFrame = run["facts"]
    assert facts.height > 0
    for f in facts.iter_rows(named=True):
        span = texts[f["report_id"]][f["span_start"]:f["span_end"]]
        assert span and any(c.isdigit() or c in "零〇一二两三四五六七八九十百千万亿首半" for c in span), f
        assert span in f["evidence"], f
    assert facts["fact_id"].n_unique() == facts.height


def test_facts_are_deterministic(run: dict, tmp_path: Path) -> None:
    gold_set: GoldSet = run["set"]
    normalized = normalize_reports(run["reports"], gold_set.raw, {}, tmp_path / "n.parquet", tmp_path / "n").tables
    again = extract_reports(run["reports"], normalized["documents"], normalized["sentences"], None,
                            tmp_path / "e.parquet", tmp_path / "e").tables["facts"]
    assert again.collect().equals(run["facts"])
