"""Status and period of a fact: which year a value refers to, and whether it is a result, a
provisional result or a goal.

- The section decides first: `targets`/`tasks` (主要预期目标, 重点任务) give `target` for the plan
  year; `review` (and text outside both: preambles, bulletins) give `actual` for the review year.
- 预计 makes a result an `estimate`: from where it stands to the end of its sentence, or over the
  whole paragraph when the paragraph opens with it (预计,2023年… / 初步预计,…).
- A year that opens a clause sets the period of what follows (2023年,国家科技型中小企业总数达1000家;
  力争到2025年…), and a year that is past the review year or reaches the plan year says result or
  goal by itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from pipeline.lib.lexicon import load_lexicon

# A year opening a clause (not 2023年以来, a span, nor 2023年度, a name's year), or a year said
# relatively: 今年 is the report's plan year, 去年/过去一年/一年来 its review year (a report is given
# in the year it plans: 报告提出,今年全市地区生产总值增长6%左右 is a goal, 去年…增长6.3% a result,
# wherever a spoken or untitled text puts them).
_CLAUSE_YEAR = re.compile(
    r"^\s*(?:[\u4e00-\u9fff]{0,4}(?:提出|指出|明确|表示)[,:]?)?(?:力争|争取|预计|计划|确保|努力)?\s*"
    r"(?P<horizon>到|至|在|截至)?\s*(?:(?P<year>(?:19|20)\d{2})\s*年|(?P<relative>今年|去年|过去一年|一年来))"
    r"(?!以来|以前|前|起|开始|度)(?:底|末|全年)?")
_MARKDOWN_LEAD = re.compile(r"^[\s\-*#>•·✓√]+")


@dataclass(frozen=True)
class ReportYears:
    """The years of a report, from its `reports` row (either may be unknown)."""

    review_year: int | None
    plan_year: int | None

    def for_role(self, role: str) -> tuple[str, int | None]:
        """Status and period that a sentence's section role gives."""
        if role in ("targets", "tasks"):
            return "target", self.plan_year_or_next()
        return "actual", self.review_year_or_previous()

    def plan_year_or_next(self) -> int | None:
        return self.plan_year if self.plan_year is not None else _shift(self.review_year, 1)

    def review_year_or_previous(self) -> int | None:
        return self.review_year if self.review_year is not None else _shift(self.plan_year, -1)

    def status_for_year(self, year: int, status: str) -> str:
        """A year up to the review year is a result's, from the plan year on a goal's."""
        if self.review_year is not None and year <= self.review_year:
            return "actual"
        if self.plan_year is not None and year >= self.plan_year:
            return "target"
        return status


def as_year(x: object) -> int | None:
    """A year from a manifest or reports value (int, str or None)."""
    try:
        return int(x) if x is not None else None  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None


def _shift(year: int | None, by: int) -> int | None:
    return year + by if year is not None else None


def _paragraph_openings(sentences: list) -> Iterator[tuple[int, str]]:
    """(paragraph_id, text without list markers) of the first sentence of every paragraph that is
    not a heading: where 预计 or a year covers the whole paragraph."""
    last_para = None
    for s in sentences:
        if s.paragraph_id == last_para or s.is_heading:
            continue
        last_para = s.paragraph_id
        yield s.paragraph_id, _MARKDOWN_LEAD.sub("", s.text)


def estimate_paragraphs(sentences: list) -> set[int]:
    """The paragraphs whose first sentence opens with 预计 (after list markers)."""
    lex = load_lexicon()
    return {pid for pid, text in _paragraph_openings(sentences) if lex.estimate_re.search(text[:4])}  # 初步预计,


def paragraph_years(sentences: list, years: ReportYears) -> dict[int, int]:
    """The paragraphs whose first sentence opens with a year (2022年, 今年, 过去一年; not a horizon,
    到2025年), and that year: what the paragraph says without a year of its own is of it (今年,我们将…
    新认定高新技术企业1000家以上。同时,…数字经济核心产业增加值增长10%: both goals, in a text whose
    sections do not say so; 2022年,… in a section reviewing five years: that year's results)."""
    openings = ((pid, _opening_year(text, years, horizon=False)) for pid, text in _paragraph_openings(sentences))
    return {pid: year for pid, year in openings if year is not None}


def estimate_from(text: str, whole_paragraph: bool) -> int | None:
    """Where 预计 starts to apply in a sentence: 0 in a 预计 paragraph, else at its first 预计."""
    if whole_paragraph:
        return 0
    m = load_lexicon().estimate_re.search(text)
    return m.start() if m else None


def clause_years(text: str, clauses: list[tuple[int, int]], years: ReportYears) -> list[tuple[int, int]]:
    """(offset, year) for every clause that opens with a year (or 今年/去年, when the report's
    years say which)."""
    out = []
    for a, b in clauses:
        year = _opening_year(text[a:b], years)
        if year is not None:
            out.append((a, year))
    return out


def _opening_year(text: str, years: ReportYears, horizon: bool = True) -> int | None:
    """The year a clause opens with (without `horizon`, not 到2025年: a goal's horizon)."""
    m = _CLAUSE_YEAR.match(text)
    if m is None or (m.group("horizon") and not horizon):
        return None
    if m.group("year"):
        return int(m.group("year"))
    return years.plan_year_or_next() if m.group("relative") == "今年" else years.review_year_or_previous()


def year_at(years: list[tuple[int, int]], pos: int) -> int | None:
    """The year of the last clause-opening year before `pos`, if any."""
    found = None
    for at, y in years:
        if at <= pos:
            found = y
    return found
