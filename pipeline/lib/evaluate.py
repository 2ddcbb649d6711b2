"""How right the facts are: precision, recall and F1 against hand-made gold facts.

SPEC's Quality section, as `../shared/eval/score.py` scores it (this module gives the same numbers;
tests/test_evaluate.py checks that against the shared scorer):

- a fact is compared on the key (indicator_code, metric, period, status, value, unit, bound,
  stretch) within its report; `strict` needs every field, `lenient` ignores bound and stretch;
- only facts with one of SPEC's dictionary codes (`SCORED_CODES`) and a metric in
  level/growth/share/change are scored: an uncoded row, a rank or an extra code of the project's
  dictionary is neither right nor wrong;
- values compare on the base quantity, so 1.5 万亿元 equals 15000 亿元;
- gold rows marked `optional` count neither as misses nor, when produced, as false facts;
- a gold file `tests/gold/<stem>.csv` belongs to the published report whose `source_file` has that
  stem.

Command line:
    python -m pipeline.lib.evaluate --warehouse warehouse --gold tests/gold [--misses] [--json]
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

SCORED_METRICS = frozenset({"level", "growth", "share", "change"})
# The codes of SPEC.md's dictionary table. The project's dictionary holds more (gdp_per_capita,
# urban_disposable_income, …); facts with those are published but not scored.
SCORED_CODES = frozenset({
    "gdp", "general_budget_revenue", "tax_share", "fixed_asset_investment", "industrial_value_added",
    "retail_sales", "foreign_trade", "disposable_income", "cpi", "new_urban_jobs", "foreign_investment",
    "marine_gdp", "rd_expenditure", "high_tech_enterprises", "tech_smes", "high_tech_output_share",
    "talent_pool", "tech_contract_value", "producer_services_va", "digital_economy_core",
    "manufacturing_investment", "deposit_loan_balance", "new_listings", "market_entities", "port_cargo",
    "port_containers", "tourist_arrivals", "tourism_revenue", "grain_output", "good_air_days", "pm25",
    "pension_insured", "medical_insured", "childcare_places", "new_childcare_places", "new_school_places",
    "new_high_tech_enterprises", "new_market_entities",
})
# Magnitude prefixes of a unit, as the scorer reads them: 万标箱 is 1e4 标箱, 亿元 is 1e8 元.
_MAGNITUDES = (("万亿", 1e12), ("亿", 1e8), ("千万", 1e7), ("百万", 1e6), ("万", 1e4), ("千", 1e3), ("百", 1e2))
_UNIT_SPELLINGS = {"％": "%", "个百分点": "pp", "百分点": "pp"}
MODES = ("strict", "lenient")

Key = tuple


def base_quantity(value: float, unit: str) -> tuple[float, str]:
    """The value in the unit without its magnitude prefix: (1.5, 万亿元) -> (1.5e12, 元)."""
    unit = _UNIT_SPELLINGS.get(unit.strip(), unit.strip())
    for prefix, factor in _MAGNITUDES:
        if unit.startswith(prefix) and len(unit) > len(prefix):
            return value * factor, unit[len(prefix):]
    return value, unit


def _seven_digits(x: float) -> float:
    """Round to 7 significant digits, so that 15760.34 亿元 and 1576034000000 元 compare equal."""
    if x == 0 or not math.isfinite(x):
        return x
    return round(x, 6 - math.floor(math.log10(abs(x))))


def _true(x: object) -> bool:
    return str(x).strip().lower() in {"true", "1", "yes", "t"}


def fact_key(code: object, metric: object, period: object, status: object, value: object, unit: object,
             bound: object, stretch: bool, strict: bool) -> Key:
    """The comparison key of a fact or a gold row."""
    v, u = base_quantity(float(value), str(unit))  # type: ignore[arg-type]
    key = (str(code), str(metric), int(period), str(status), _seven_digits(v), u)  # type: ignore[call-overload]
    return key + ((str(bound), bool(stretch)) if strict else ())


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[tuple[str, Key]] = field(default_factory=list)

    def add(self, other: Counts) -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn

    def as_dict(self) -> dict:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": p, "recall": r, "f1": f1}


def score_report(gold_rows: list[dict], facts: list[dict], strict: bool) -> Counts:
    """tp/fp/fn of one report's facts against its gold rows, with the missed and false keys."""
    required: Counter[Key] = Counter()
    optional: Counter[Key] = Counter()
    for g in gold_rows:
        k = fact_key(g["indicator_code"], g["metric"], g["period"], g["status"], g["value"], g["unit"],
                     g["bound"], _true(g["stretch"]), strict)
        (optional if _true(g.get("optional", "false")) else required)[k] += 1
    produced: set[Key] = set()
    for f in facts:
        if f.get("indicator_code") not in SCORED_CODES or f.get("metric") not in SCORED_METRICS:
            continue
        try:
            produced.add(fact_key(f["indicator_code"], f["metric"], f["period"], f["status"], f["value"],
                                  f["unit"], f.get("bound") or "eq", bool(f.get("stretch")), strict))
        except (TypeError, ValueError):
            continue
    required_keys, optional_keys = set(required), set(optional) - set(required)
    missed = required_keys - produced
    false = produced - required_keys - optional_keys
    counts = Counts(tp=len(produced & required_keys), fp=len(false), fn=len(missed))
    counts.misses = [("miss", k) for k in sorted(missed, key=str)] + [("false", k) for k in sorted(false, key=str)]
    return counts


def load_gold(gold_dir: Path) -> dict[str, list[dict]]:
    """Gold rows per report, keyed by the CSV's stem (= the raw file's stem)."""
    gold: dict[str, list[dict]] = {}
    for path in sorted(Path(gold_dir).glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            gold[path.stem] = list(csv.DictReader(f))
    return gold


def facts_by_stem(facts: pl.DataFrame, reports: pl.DataFrame) -> dict[str, list[dict]]:
    """Facts grouped by the stem of their report's source file."""
    stem_of = {r["report_id"]: Path(str(r["source_file"])).stem
               for r in reports.select("report_id", "source_file").iter_rows(named=True)}
    out: dict[str, list[dict]] = {stem: [] for stem in stem_of.values()}
    for fact in facts.iter_rows(named=True):
        out.setdefault(stem_of.get(fact["report_id"], "?"), []).append(fact)
    return out


def score_facts(facts: pl.DataFrame | pl.LazyFrame, reports: pl.DataFrame, gold_dir: Path, *,
                only_published: bool = True, misses: bool = False) -> dict:
    """The score of a run: per report and overall, strict and lenient.

    Returns {"reports": {stem: {"strict": {...}, "lenient": {...}, "reported": bool[, "misses"]}},
    "strict": {tp, fp, fn, precision, recall, f1, macro_f1}, "lenient": {...}}. With `only_published`
    (what the Dagster asset wants) only gold files of reports in the run are scored, so a run over
    other reports gets an empty `reports` and zero counts.
    """
    gold = load_gold(gold_dir)
    # Only the facts of reports that have gold are grouped: a large run without gold costs nothing.
    stems = reports.select("report_id", pl.col("source_file").str.extract(r"([^/]+?)(?:\.[^./]*)?$").alias("_stem"))
    with_gold = stems.filter(pl.col("_stem").is_in(list(gold)))["report_id"]
    produced = facts_by_stem(facts.lazy().filter(pl.col("report_id").is_in(with_gold.implode())).collect(),
                             reports.filter(pl.col("report_id").is_in(with_gold.implode())))
    result: dict = {"reports": {}}
    totals = {mode: Counts() for mode in MODES}
    for stem, rows in gold.items():
        if only_published and stem not in produced:
            continue
        entry: dict = {"reported": stem in produced}
        for mode in MODES:
            counts = score_report(rows, produced.get(stem, []), strict=mode == "strict")
            totals[mode].add(counts)
            entry[mode] = counts.as_dict()
            if misses and mode == "strict":
                entry["misses"] = [[kind, list(k)] for kind, k in counts.misses]
        result["reports"][stem] = entry
    for mode in MODES:
        per_report = [e[mode]["f1"] for e in result["reports"].values()]
        result[mode] = {**totals[mode].as_dict(),
                        "macro_f1": sum(per_report) / len(per_report) if per_report else 0.0}
    return result


def read_warehouse(warehouse: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The published facts and reports of a warehouse folder."""
    parquet = Path(warehouse) / "parquet"
    return pl.read_parquet(parquet / "facts.parquet"), pl.read_parquet(parquet / "reports.parquet")


def render(result: dict) -> str:
    """The score as a table, one line per report and the totals."""
    lines = [f"{'report':<34} {'strict P':>8} {'R':>6} {'F1':>6} {'lenient F1':>10}  tp/fp/fn"]
    for stem, e in result["reports"].items():
        s, lenient = e["strict"], e["lenient"]
        flag = "" if e["reported"] else "  (no such report published)"
        lines.append(f"{stem:<34} {s['precision']:8.3f} {s['recall']:6.3f} {s['f1']:6.3f} "
                     f"{lenient['f1']:10.3f}  {s['tp']}/{s['fp']}/{s['fn']}{flag}")
        lines.extend(f"    {kind:5} {tuple(k)}" for kind, k in e.get("misses", []))
    s, lenient = result["strict"], result["lenient"]
    lines.append(f"strict P={s['precision']:.3f} R={s['recall']:.3f} F1={s['f1']:.3f} "
                 f"(macro {s['macro_f1']:.3f}) | lenient P={lenient['precision']:.3f} "
                 f"R={lenient['recall']:.3f} F1={lenient['f1']:.3f} (macro {lenient['macro_f1']:.3f})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m pipeline.lib.evaluate", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--warehouse", type=Path, required=True, help="folder holding parquet/facts.parquet")
    ap.add_argument("--gold", type=Path, required=True, help="folder of gold CSVs, one per report")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--misses", action="store_true", help="list missed and false facts (strict)")
    args = ap.parse_args(argv)
    try:
        facts, reports = read_warehouse(args.warehouse)
    except (FileNotFoundError, OSError) as err:
        print(f"cannot read the warehouse {args.warehouse}: {err}", file=sys.stderr)
        return 2
    result = score_facts(facts, reports, args.gold, only_published=False, misses=args.misses)
    print(json.dumps(result, ensure_ascii=False, indent=1) if args.json else render(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
