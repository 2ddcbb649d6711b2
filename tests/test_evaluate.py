"""The evaluation module: SPEC's Quality rules, and the same numbers as the shared scorer."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from pipeline.lib.evaluate import SCORED_CODES, base_quantity, fact_key, main, score_facts
from pipeline.lib.facts import FACT_COLUMNS, frame

ROOT = Path(__file__).resolve().parents[1]
SHARED_SCORER = ROOT.parent / "shared" / "eval" / "score.py"
GOLD_COLUMNS = ["report", "indicator_code", "metric", "period", "status", "value", "unit", "bound", "stretch",
                "optional", "evidence", "note"]


def _gold(folder: Path, stem: str, rows: list[dict]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / f"{stem}.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=GOLD_COLUMNS)
        w.writeheader()
        for r in rows:
            w.writerow({"report": stem, "bound": "eq", "stretch": "false", "optional": "false", "evidence": "",
                        "note": "", **r})


def _fact(report_id: str, code: str | None, metric: str, value: float, unit: str, *, bound: str = "eq",
          stretch: bool = False, status: str = "actual", period: int = 2023, n: int = 0) -> dict:
    row = dict.fromkeys(FACT_COLUMNS)
    row.update(fact_id=f"{report_id}-{n}", report_id=report_id, sentence_id=0, region="某市", indicator_text="x",
               indicator_code=code, metric=metric, value=value, unit=unit, bound=bound, stretch=stretch,
               status=status, period=period, span_start=n, span_end=n + 1, evidence="x")
    return row


@pytest.fixture
def run(tmp_path: Path) -> dict:
    """Two published reports with gold; one gold file for a report not in the run."""
    gold = tmp_path / "gold"
    _gold(gold, "a_report", [
        {"indicator_code": "gdp", "metric": "level", "period": 2023, "status": "actual", "value": 15000,
         "unit": "亿元"},
        {"indicator_code": "gdp", "metric": "growth", "period": 2023, "status": "actual", "value": 5.9, "unit": "%"},
        {"indicator_code": "cpi", "metric": "growth", "period": 2023, "status": "actual", "value": 0.5, "unit": "%",
         "bound": "approx"},
        {"indicator_code": "pm25", "metric": "level", "period": 2023, "status": "actual", "value": 26,
         "unit": "微克/立方米", "optional": "true"},
    ])
    _gold(gold, "b_report", [
        {"indicator_code": "foreign_trade", "metric": "level", "period": 2024, "status": "target", "value": 1.5,
         "unit": "万亿元", "bound": "gt", "stretch": "true"},
    ])
    _gold(gold, "c_not_in_run", [
        {"indicator_code": "gdp", "metric": "growth", "period": 2024, "status": "target", "value": 6, "unit": "%"},
    ])
    facts = frame([
        _fact("A", "gdp", "level", 1.5, "万亿元", n=1),  # the same quantity as 15000 亿元
        _fact("A", "gdp", "growth", 5.9, "%", n=2),
        _fact("A", "cpi", "growth", 0.5, "%", n=3),  # bound eq against approx: strict miss, lenient hit
        _fact("A", "pm25", "level", 26, "微克/立方米", n=4),  # optional: not false
        _fact("A", "gdp", "growth", 7.0, "%", n=5),  # false
        _fact("A", None, "growth", 9.0, "%", n=6),  # uncoded: not scored
        _fact("A", "gdp_per_capita", "level", 10, "万元", n=7),  # not a SPEC code: not scored
        _fact("A", "gdp", "rank", 2, "名", n=8),  # rank: not scored
        _fact("B", "foreign_trade", "level", 15000, "亿元", bound="gt", stretch=True, status="target", period=2024,
              n=9),
    ])
    reports = pl.DataFrame({"report_id": ["A", "B"], "source_file": ["a_report.txt", "sub/b_report.txt"]})
    return {"gold": gold, "facts": facts, "reports": reports, "tmp": tmp_path}


def test_base_quantity() -> None:
    assert base_quantity(1.5, "万亿元") == (1.5e12, "元")
    assert base_quantity(2800, "万标箱") == (2.8e7, "标箱")
    assert base_quantity(0.5, "个百分点") == (0.5, "pp")
    assert base_quantity(26, "微克/立方米") == (26, "微克/立方米")


def test_keys_compare_base_quantities_and_strictness() -> None:
    a = fact_key("gdp", "level", 2023, "actual", 15760.34, "亿元", "eq", False, strict=True)
    b = fact_key("gdp", "level", "2023", "actual", "1576034000000", "元", "eq", False, strict=True)
    assert a == b
    assert fact_key("cpi", "growth", 2023, "actual", 1, "%", "eq", False, strict=False) == \
        fact_key("cpi", "growth", 2023, "actual", 1, "%", "approx", True, strict=False)
    assert fact_key("cpi", "growth", 2023, "actual", 1, "%", "eq", False, strict=True) != \
        fact_key("cpi", "growth", 2023, "actual", 1, "%", "approx", False, strict=True)


def test_score_facts(run: dict) -> None:
    result = score_facts(run["facts"], run["reports"], run["gold"], misses=True)
    assert set(result["reports"]) == {"a_report", "b_report"}  # c is not in the run
    a = result["reports"]["a_report"]
    assert (a["strict"]["tp"], a["strict"]["fp"], a["strict"]["fn"]) == (2, 2, 1)
    assert (a["lenient"]["tp"], a["lenient"]["fp"], a["lenient"]["fn"]) == (3, 1, 0)
    kinds = sorted(kind for kind, _ in a["misses"])
    assert kinds == ["false", "false", "miss"]
    assert result["reports"]["b_report"]["strict"]["f1"] == 1.0
    assert result["strict"]["tp"] == 3 and result["strict"]["fp"] == 2 and result["strict"]["fn"] == 1
    assert result["strict"]["precision"] == pytest.approx(3 / 5)
    assert result["strict"]["recall"] == pytest.approx(3 / 4)
    assert result["lenient"]["f1"] == pytest.approx(2 * 0.8 * 1.0 / 1.8)
    assert result["strict"]["macro_f1"] == pytest.approx((a["strict"]["f1"] + 1.0) / 2)


def test_scored_codes_are_in_the_dictionary() -> None:
    from pipeline.lib.dictionary import load_dictionary

    assert set(load_dictionary().indicators) >= SCORED_CODES


def test_no_gold_for_the_run(run: dict) -> None:
    reports = pl.DataFrame({"report_id": ["Z"], "source_file": ["zzz.txt"]})
    result = score_facts(frame([]), reports, run["gold"])
    assert result["reports"] == {}
    assert result["strict"]["f1"] == 0.0


def _write_warehouse(run: dict) -> Path:
    wh = run["tmp"] / "warehouse"
    (wh / "parquet").mkdir(parents=True)
    run["facts"].write_parquet(wh / "parquet" / "facts.parquet")
    run["reports"].write_parquet(wh / "parquet" / "reports.parquet")
    return wh


def test_command_prints_the_score(run: dict, capsys: pytest.CaptureFixture) -> None:
    wh = _write_warehouse(run)
    assert main(["--warehouse", str(wh), "--gold", str(run["gold"]), "--misses"]) == 0
    out = capsys.readouterr().out
    assert "a_report" in out and "c_not_in_run" in out and "(no such report published)" in out
    assert "miss" in out and "false" in out
    assert out.strip().splitlines()[-1].startswith("strict P=")
    assert main(["--warehouse", str(wh), "--gold", str(run["gold"]), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["reports"]["c_not_in_run"]["strict"]["fn"] == 1


def test_missing_warehouse_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["--warehouse", str(tmp_path / "nowhere"), "--gold", str(tmp_path)]) == 2
    assert "cannot read the warehouse" in capsys.readouterr().err


@pytest.mark.skipif(not SHARED_SCORER.is_file(), reason="the shared scorer is not beside the project")
def test_same_numbers_as_the_shared_scorer(run: dict, capsys: pytest.CaptureFixture) -> None:
    wh = _write_warehouse(run)
    shared = subprocess.run([sys.executable, str(SHARED_SCORER), "--warehouse", str(wh), "--gold", str(run["gold"]),
                             "--json"], capture_output=True, text=True, check=True)
    theirs = json.loads(shared.stdout)
    main(["--warehouse", str(wh), "--gold", str(run["gold"]), "--json"])
    ours = json.loads(capsys.readouterr().out)
    for mode in ("strict", "lenient"):
        assert ours[mode] == pytest.approx(theirs[mode])
        for stem in theirs["reports"]:
            assert ours["reports"][stem][mode] == pytest.approx(theirs["reports"][stem][mode])
