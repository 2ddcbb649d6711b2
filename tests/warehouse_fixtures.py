"""Small synthetic tables in the contract's shape, for the validation and publishing tests.

They are written by hand (not produced by the extraction code) so that these tests say what the
contract is, whatever the extractors do today. Two Qingdao reports, after SPEC's example: the 2023
work report sets `gdp` growth 5.5% approx for 2023, the 2024 plan report gives 5.9% actual.
"""

from __future__ import annotations

import datetime
from typing import Any

import polars as pl

WORK_2023 = "qd_2023_work"
PLAN_2024 = "qd_2024_plan"

TEXTS = {
    WORK_2023: (
        "青岛市2023年政府工作报告\n"
        "主要预期目标是:全市生产总值增长5.5%左右,固定资产投资增长5%以上,居民消费价格涨幅3%左右。"
        "城镇新增就业增长4.5%—5%。力争货物进出口总额突破9000亿元。"
    ),
    PLAN_2024: (
        "关于青岛市2023年国民经济和社会发展计划执行情况与2024年计划草案的报告\n"
        "全市实现地区生产总值15760.34亿元,同比增长5.9%。固定资产投资增长4.5%。居民消费价格上涨0.2%。"
        "城镇新增就业增长4.8%。主要预期目标是:全市生产总值增长5%左右。"
    ),
}

REPORTS = [
    {"report_id": WORK_2023, "report_type": "work_report", "review_year": 2022, "plan_year": 2023,
     "publish_date": datetime.date(2023, 1, 16)},
    {"report_id": PLAN_2024, "report_type": "plan_report", "review_year": 2023, "plan_year": 2024,
     "publish_date": datetime.date(2024, 2, 6)},
]

# (report, sentence index, needle, occurrence, indicator_code, metric, value, unit, bound, stretch, status, period)
FACTS = [
    (WORK_2023, 1, "5.5%", "gdp", "growth", 5.5, "%", "approx", False, "target", 2023),
    (WORK_2023, 1, "5%", "fixed_asset_investment", "growth", 5.0, "%", "ge", False, "target", 2023),
    (WORK_2023, 1, "3%", "cpi", "growth", 3.0, "%", "approx", False, "target", 2023),
    (WORK_2023, 2, "4.5%", "new_urban_jobs", "growth", 4.5, "%", "ge", False, "target", 2023),
    (WORK_2023, 2, "5%", "new_urban_jobs", "growth", 5.0, "%", "le", False, "target", 2023),
    (WORK_2023, 3, "9000亿元", "foreign_trade", "level", 9000.0, "亿元", "gt", True, "target", 2023),
    (PLAN_2024, 1, "15760.34亿元", "gdp", "level", 15760.34, "亿元", "eq", False, "actual", 2023),
    (PLAN_2024, 1, "5.9%", "gdp", "growth", 5.9, "%", "eq", False, "actual", 2023),
    (PLAN_2024, 2, "4.5%", "fixed_asset_investment", "growth", 4.5, "%", "eq", False, "actual", 2023),
    (PLAN_2024, 3, "0.2%", "cpi", "growth", 0.2, "%", "eq", False, "actual", 2023),
    (PLAN_2024, 4, "4.8%", "new_urban_jobs", "growth", 4.8, "%", "eq", False, "actual", 2023),
    (PLAN_2024, 5, "5%", "gdp", "growth", 5.0, "%", "approx", False, "target", 2024),
]

INDICATORS = [
    ("gdp", "地区生产总值", "Gross regional product", ["全市生产总值", "生产总值", "GDP"], "economy",
     ["level", "growth"], ["亿元", "%"], "higher"),
    ("fixed_asset_investment", "固定资产投资", "Fixed-asset investment", [], "investment",
     ["growth"], ["%"], None),
    ("cpi", "居民消费价格", "Consumer price index", [], "prices", ["growth"], ["%"], "lower"),
    ("new_urban_jobs", "城镇新增就业", "New urban employment", [], "employment",
     ["level", "growth"], ["万人", "%"], None),
    ("foreign_trade", "货物进出口总额", "Total imports and exports of goods", ["进出口总额"], "trade",
     ["level", "growth"], ["亿元", "%"], None),
]


def sentences_of(text: str) -> list[tuple[int, int]]:
    """Offsets of the sentences: the title line, then one per `。`."""
    spans, start = [], 0
    for i, ch in enumerate(text):
        if ch in "\n。":
            end = i if ch == "\n" else i + 1
            spans.append((start, end))
            start = i + 1
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def source_tables() -> dict[str, pl.DataFrame]:
    """The six source tables, valid against the contract."""
    reports, documents, sentences, edits, facts = [], [], [], [], []
    n_facts = {rid: sum(1 for f in FACTS if f[0] == rid) for rid in TEXTS}
    for meta in REPORTS:
        rid, text = meta["report_id"], TEXTS[meta["report_id"]]
        spans = sentences_of(text)
        reports.append({
            **meta, "source_file": f"{rid}.txt", "sha256": f"{len(text):064x}", "n_bytes": len(text.encode()),
            "encoding": "utf-8", "status": "ok", "reason": None, "note": None, "region": "青岛市",
            "region_level": "city", "source_url": None, "metadata_source": "manifest",
            "n_chars": len(text), "n_sentences": len(spans), "n_facts": n_facts[rid],
        })
        documents.append({"report_id": rid, "text": text, "n_chars": len(text), "n_sentences": len(spans),
                          "n_edits": 1})
        edits.append({"report_id": rid, "edit_id": 0, "kind": "width", "raw_start": 5, "raw_end": 6,
                      "raw_text": "，", "replacement": ",", "norm_start": 5, "norm_end": 6})
        for sid, (start, end) in enumerate(spans):
            sentences.append({
                "report_id": rid, "sentence_id": sid, "paragraph_id": 0 if sid == 0 else 1,
                "section_path": None if sid == 0 else "主要预期目标",
                "section_role": "other" if sid == 0 else ("review" if rid == PLAN_2024 else "targets"),
                "is_heading": sid == 0, "text": text[start:end], "char_start": start, "char_end": end,
            })
    for n, (rid, sid, needle, code, metric, value, unit, bound, stretch, status, period) in enumerate(FACTS):
        text = TEXTS[rid]
        s_start, s_end = sentences_of(text)[sid]
        span_start = text.index(needle, s_start, s_end)
        facts.append({
            "fact_id": f"f{n:03d}", "report_id": rid, "sentence_id": sid, "region": "青岛市",
            "indicator_text": code, "indicator_code": code, "metric": metric, "value": value, "unit": unit,
            "value_base": value * 1e8 if unit == "亿元" else None, "base_unit": "元" if unit == "亿元" else None,
            "bound": bound, "stretch": stretch, "status": status, "period": period,
            "span_start": span_start, "span_end": span_start + len(needle), "evidence": text[s_start:s_end],
        })
    return {
        "reports": frame("reports", reports),
        "documents": frame("documents", documents),
        "sentences": frame("sentences", sentences),
        "normalization_edits": frame("normalization_edits", edits),
        "facts": frame("facts", facts),
        "indicators": indicators_frame(),
    }


def indicators_frame(with_direction: bool = True) -> pl.DataFrame:
    """The tiny indicator dictionary fixture (`schemas/indicators.yaml` belongs to extraction)."""
    columns = ["indicator_code", "name_zh", "name_en", "aliases", "category", "expected_metrics",
               "expected_units", "direction"]
    rows = [dict(zip(columns, row, strict=True)) for row in INDICATORS]
    df = frame("indicators", rows)
    return df if with_direction else df.drop("direction")


def frame(table: str, rows: list[dict[str, Any]]) -> pl.DataFrame:
    """Rows as a frame in the contract's dtypes."""
    from schemas.tables import column_dtypes

    return pl.DataFrame(rows, schema=column_dtypes(table))
