"""The indicator dictionary (`schemas/indicators.yaml`), loaded once, and subject matching.

Chinese puts the head noun of a phrase last, so a subject is about an indicator when it ENDS with
one of the indicator's spellings: 全市实现地区生产总值 -> gdp, 国家科技型中小企业 -> tech_smes, while
全年减轻经营主体税费负担 (a burden of the entities) is not market_entities. Among the spellings that
end a subject the longest wins: 海洋生产总值 -> marine_gdp, not gdp.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import polars as pl
import yaml

INDICATORS_PATH = Path(__file__).resolve().parents[2] / "schemas" / "indicators.yaml"
FIELDS = ("indicator_code", "name_zh", "name_en", "aliases", "category", "expected_metrics",
          "expected_units", "direction")


@dataclass(frozen=True)
class Indicator:
    indicator_code: str
    name_zh: str
    name_en: str
    aliases: tuple[str, ...]
    category: str
    expected_metrics: tuple[str, ...]
    expected_units: tuple[str, ...]
    direction: str = "higher"
    share_of: tuple[str, str] | None = None  # (part, whole): rd_intensity is rd_expenditure over gdp

    @property
    def spellings(self) -> tuple[str, ...]:
        """The Chinese name and every alias."""
        return (self.name_zh, *self.aliases)


@dataclass(frozen=True)
class HeadMatch:
    """A dictionary spelling that ends a subject."""

    code: str
    start: int  # where the spelling starts in the subject
    text: str  # the spelling as written in the subject


class IndicatorDictionary:
    """The dictionary with a compiled matcher. Build it with `load_dictionary()` (cached)."""

    def __init__(self, version: str, indicators: list[Indicator]):
        self.version = version
        self.indicators = {i.indicator_code: i for i in indicators}
        self.code_of: dict[str, str] = {}
        for ind in indicators:
            for spelling in ind.spellings:
                key = spelling.lower()
                other = self.code_of.get(key)
                if other is not None and other != ind.indicator_code:
                    raise ValueError(f"indicators.yaml: {spelling!r} is an alias of both {other} and "
                                     f"{ind.indicator_code}; an alias belongs to exactly one code")
                self.code_of[key] = ind.indicator_code
        self.ratios = {i.share_of: i.indicator_code for i in indicators if i.share_of}
        for (part, whole), code in self.ratios.items():
            if part not in self.indicators or whole not in self.indicators:
                raise ValueError(f"indicators.yaml: {code} is a share of unknown codes {part!r}, {whole!r}")
        alternation = "|".join(re.escape(s) for s in sorted(self.code_of, key=len, reverse=True))
        self._longest = max((len(k) for k in self.code_of), default=0)
        self._anywhere = re.compile(alternation, re.IGNORECASE)

    def head(self, subject: str) -> HeadMatch | None:
        """The longest dictionary spelling that ends `subject`, or None.

        >>> d = load_dictionary()
        >>> d.head("全市实现地区生产总值").code, d.head("海洋生产总值").code
        ('gdp', 'marine_gdp')
        >>> d.head("全年减轻经营主体税费负担") is None
        True
        """
        # Suffix lookups from the longest possible: a few dict probes instead of a regex with
        # hundreds of alternatives tried at every position.
        lowered = subject.lower()
        n = len(lowered)
        for start in range(max(0, n - self._longest), n):
            code = self.code_of.get(lowered[start:])
            if code is not None:
                return HeadMatch(code, start, subject[start:])
        return None

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where dictionary spellings occur anywhere in `text` (to keep a list split from cutting
        through one: 新增过会、上市企业 is one spelling, not two subjects)."""
        return [(m.start(), m.end()) for m in self._anywhere.finditer(text)]

    def ratio(self, part: str, whole: str) -> str | None:
        """The code of `part` as a share of `whole`, when the dictionary has one:
        ratio('rd_expenditure', 'gdp') -> 'rd_intensity'."""
        return self.ratios.get((part, whole))

    def expected_metrics(self, code: str) -> tuple[str, ...]:
        ind = self.indicators.get(code)
        return ind.expected_metrics if ind else ()

    def frame(self) -> pl.DataFrame:
        """The `indicators` table."""
        rows = [{
            "indicator_code": i.indicator_code, "name_zh": i.name_zh, "name_en": i.name_en,
            "aliases": list(i.aliases), "category": i.category,
            "expected_metrics": list(i.expected_metrics), "expected_units": list(i.expected_units),
            "direction": i.direction,
        } for i in self.indicators.values()]
        return pl.DataFrame(rows, schema={
            "indicator_code": pl.Utf8, "name_zh": pl.Utf8, "name_en": pl.Utf8,
            "aliases": pl.List(pl.Utf8), "category": pl.Utf8, "expected_metrics": pl.List(pl.Utf8),
            "expected_units": pl.List(pl.Utf8), "direction": pl.Utf8,
        })


def _indicator(entry: dict) -> Indicator:
    missing = [f for f in FIELDS[:-1] if f not in entry]
    if missing:
        raise ValueError(f"indicators.yaml: {entry.get('indicator_code', entry)} lacks {missing}")
    return Indicator(
        indicator_code=str(entry["indicator_code"]),
        name_zh=str(entry["name_zh"]),
        name_en=str(entry["name_en"]),
        aliases=tuple(str(a) for a in entry["aliases"] or ()),
        category=str(entry["category"]),
        expected_metrics=tuple(str(m) for m in entry["expected_metrics"]),
        expected_units=tuple(str(u) for u in entry["expected_units"]),
        direction=str(entry.get("direction") or "higher"),
        share_of=(str(entry["share_of"][0]), str(entry["share_of"][1])) if entry.get("share_of") else None,
    )


@lru_cache(maxsize=4)
def load_dictionary(path: Path = INDICATORS_PATH) -> IndicatorDictionary:
    """The dictionary, read and compiled once per process."""
    doc = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return IndicatorDictionary(str(doc["version"]), [_indicator(e) for e in doc["indicators"]])


def indicators_frame() -> pl.DataFrame:
    """The published `indicators` table."""
    return load_dictionary().frame()
