"""Infer a report's region, level, type, years and publish date from its text.

Used only where the manifest is silent. The patterns are data (`pipeline/data/metadata.yaml`):
reports of every region title themselves the same few ways, e.g.
`关于青岛市2023年国民经济和社会发展计划执行情况与2024年国民经济和社会发展计划草案的报告`.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

# libyaml's loader where the machine has it: a 10,000-entry manifest parses in a second, not thirty.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

SCAN_CHARS = 6_000
DATA = Path(__file__).resolve().parents[1] / "data" / "metadata.yaml"


@dataclass(frozen=True)
class MetadataRules:
    head_chars: int
    title_chars: int
    report_types: list[tuple[str, re.Pattern[str]]]
    region_patterns: list[re.Pattern[str]]
    region_levels: list[tuple[str, str]]
    province_level_cities: frozenset[str]
    region_reject: re.Pattern[str]
    region_strip_prefix: re.Pattern[str]
    review_year_patterns: list[re.Pattern[str]]
    plan_year_patterns: list[re.Pattern[str]]
    publish_date_patterns: list[re.Pattern[str]]


@cache
def rules() -> MetadataRules:
    """The inference rules, compiled once per process."""
    raw = yaml.load(DATA.read_text(encoding="utf-8"), Loader=_LOADER)
    return MetadataRules(
        head_chars=int(raw["head_chars"]),
        title_chars=int(raw["title_chars"]),
        report_types=[(r["type"], re.compile(r["pattern"])) for r in raw["report_types"]],
        region_patterns=[re.compile(p) for p in raw["region_patterns"]],
        region_levels=[(s, lvl) for s, lvl in raw["region_levels"]],
        province_level_cities=frozenset(raw["province_level_cities"]),
        region_reject=re.compile(raw["region_reject"]),
        region_strip_prefix=re.compile(raw["region_strip_prefix"]),
        review_year_patterns=[re.compile(p) for p in raw["review_year_patterns"]],
        plan_year_patterns=[re.compile(p) for p in raw["plan_year_patterns"]],
        publish_date_patterns=[re.compile(p) for p in raw["publish_date_patterns"]],
    )


def region_level(region: str | None) -> str | None:
    """`青岛市` → city, `山东省` → province, `青岛西海岸新区` → district."""
    if not region:
        return None
    r = rules()
    if region in r.province_level_cities:
        return "province"
    for suffix, level in r.region_levels:
        if region.endswith(suffix):
            return level
    return None


def _first(patterns: list[re.Pattern[str]], text: str, group: str) -> str | None:
    for pattern in patterns:
        m = pattern.search(text)
        if m:
            return m.group(group)
    return None


def _region(r: MetadataRules, head: str) -> str | None:
    for pattern in r.region_patterns:
        for m in pattern.finditer(head):
            name = r.region_strip_prefix.sub("", m.group("region"))
            if len(name) >= 2 and not r.region_reject.search(name):
                return name
    return None


def parse_date(text: str) -> dt.date | None:
    """`2024-02-06`, `2024/2/6`, `2024年2月6日` → date."""
    parts = re.findall(r"\d+", text)
    if len(parts) < 3:
        return None
    try:
        return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return None


def infer_metadata(text: str) -> dict[str, Any]:
    """Every field that the text tells; a field it does not tell is left out."""
    r = rules()
    # The title, chrome and opening parts tell the metadata; the rest of a long file adds nothing.
    folded = unicodedata.normalize("NFKC", text[:SCAN_CHARS])
    head = folded[: r.head_chars]
    out: dict[str, Any] = {}
    for report_type, pattern in r.report_types:
        if pattern.search(head):
            out["report_type"] = report_type
            break
    region = _region(r, head[: r.title_chars])
    if region:
        out["region"] = region
        out["region_level"] = region_level(region)
    date = _first(r.publish_date_patterns, head, "date")
    if date and parse_date(date):
        out["publish_date"] = parse_date(date)
    review = _first(r.review_year_patterns, folded, "year")
    plan = _first(r.plan_year_patterns, folded, "year")
    review_year = int(review) if review else None
    plan_year = int(plan) if plan else None
    if review_year is None and plan_year is None:
        if "publish_date" in out:
            plan_year = out["publish_date"].year
        else:
            years = Counter(int(y) for y in re.findall(r"(?:19|20)\d{2}(?=年)", folded))
            if years:
                review_year = years.most_common(1)[0][0]
    if out.get("report_type") == "statistical_bulletin":
        plan_year = None
        review_year = review_year or (plan_year - 1 if plan_year else None)
    else:
        review_year = review_year or (plan_year - 1 if plan_year else None)
        plan_year = plan_year or (review_year + 1 if review_year else None)
    if review_year:
        out["review_year"] = review_year
    if plan_year:
        out["plan_year"] = plan_year
    return out
