"""Indicator facts read from a report's sentences: the `facts` table of SPEC.md.

`extract_facts(report, text, sentences)` is a pure function of one report: it finds the values of
each sentence (`pipeline.lib.mentions`), reads the subject and predicate before each value
(`pipeline.lib.subjects`), and decides metric, sign, bound, stretch, status and period:

- 全市实现地区生产总值15760.34亿元,同比增长5.9%  -> gdp level 15760.34 亿元; gdp growth 5.9 % (the
  second clause has no subject: it continues the first);
- 零售总额达到612亿元;外贸进出口总值实现较快增长,达到1036亿元 -> 1036 is foreign trade: a clause that
  names a subject without a value passes it on, and the subject before never crosses it;
- infographic labels on lines of their own (地区生产总值 / 1.33万亿元 / 增长5.2%, or the value first);
- a change in percentage points is a change of a rate: after a growth (增长6.2%,比上年提高1.3个百分点)
  it keeps no code of an amount;
- 高技术产业投资、战略性新兴产业投资分别增长27.6%、24.5% -> one fact per subject, in order;
- 海洋生产总值同比增长10%,力争12%  -> 10 (not stretch) and 12 (stretch);
- 分别达到6600家、7000家左右 -> the trailing 左右 bounds every value of the list;
- status: `target` in the targets/tasks sections (period = plan year), `actual` in the review
  (period = review year), `estimate` after 预计 (a 预计 opening a paragraph covers the paragraph);
  a year opening a clause (2023年, …) sets the period.

Values for a part of the region, a flow without its own code, a single event keep their row with
`indicator_code` null. Everything the extractor knows of the language is in
`pipeline/data/extraction.yaml`, `pipeline/data/units.yaml` and `schemas/indicators.yaml`.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import polars as pl

from pipeline.lib.dictionary import load_dictionary
from pipeline.lib.lexicon import load_lexicon
from pipeline.lib.mentions import Mention, find_mentions
from pipeline.lib.periods import (
    ReportYears,
    as_year,
    clause_years,
    estimate_from,
    estimate_paragraphs,
    paragraph_years,
    year_at,
)
from pipeline.lib.subjects import Predicate, Subject, SubjectResolver, parse_predicate, resolver_for
from pipeline.lib.texttables import Row, number_cell, table_rows
from schemas.tables import column_dtypes

FACT_COLUMNS = column_dtypes("facts")  # the published columns, in the model's order

# A year that opens a clause sets the period of what follows in the sentence:
# 2023年,国家科技型中小企业总数达1000家; 到2025年,…; 预计,2023年西海岸新区… (not 2023年以来).
# A clause opening with 占/相当于 gives a share of the subject before it.
_SHARE_OF_CARRIED = re.compile(r"^(?:约|近|超过)?(?:占(?!比)|相当于)")
# A footnote's definition ([3] 全市“摘星夺旗”考核:…17项指标) explains a term; it reports nothing.
_FOOTNOTE = re.compile(r"^\s*\[\s*\d+\s*\]")
_SENTENCE_END = re.compile(r"[。!?;]\s*[”’)]?\s*$")
# The rest of a clause after a value that goes on with another item of a list (612亿元、外贸…).
_LIST_GOES_ON = re.compile(r"^\s*(?:、|以及|和|及|与)")
_TRAILING_BRACKET = re.compile(r"\([^()]{0,20}\)$")
_PREDICATE_RUN = 12  # the longest predicate a clause without a value is read with (实现恢复性增长)
# An infographic label on a line of its own (地区生产总值), and a line that is only a value (1.33万亿元).
_LABEL_MAX = 30
_LABEL_BREAK = re.compile(r"[,;:。!?、]")
_LINE_MARKERS = re.compile(r"^[\s\-*•·✓√>]+")
_MAY_HOLD_VALUE = re.compile(r"[\d一二两三四五六七八九十百千万亿首]")


@dataclass(frozen=True)
class _Context:
    report_id: str
    region: str | None
    years: ReportYears


@dataclass
class _Carry:
    """What the next clause of a sentence continues when it names no subject."""

    subjects: list[Subject]
    metric: str | None
    percent: bool
    evidence_start: int


def frame(facts: list[dict[str, Any]]) -> pl.DataFrame:
    """Facts as a polars frame with exactly FACT_COLUMNS."""
    return pl.DataFrame(facts, schema=FACT_COLUMNS, orient="row") if facts else pl.DataFrame(schema=FACT_COLUMNS)


def extract_facts(report: dict, text: str, sentences: list) -> list[dict]:
    """Every quantitative statement about an indicator in one report.

    `report` is a `reports` row (report_id, region, review_year, plan_year, report_type…), `text`
    the normalized full text and `sentences` its `pipeline.lib.normalize.Sentence`s. Returns dicts
    with the FACT_COLUMNS keys; `fact_id` is a hash of the report, span, metric and bound.
    """
    ctx = _Context(str(report["report_id"]), report.get("region"),
                   ReportYears(as_year(report.get("review_year")), as_year(report.get("plan_year"))))
    resolver = resolver_for(ctx.region)
    estimated = estimate_paragraphs(sentences)
    para_years = paragraph_years(sentences, ctx.years)
    out: dict[str, dict] = {}  # by fact_id: a fact read twice (a label and its line) is one row
    labels = _Labels(resolver, sentences)
    short = [len(s.text) <= _LABEL_MAX for s in sentences]
    rows = table_rows(sentences, text)
    previous, carry = None, None
    for i, sentence in enumerate(sentences):
        if i in rows:  # a row of a text table: its cells say what each number is
            for fact in _table_facts(ctx, resolver, sentence, rows[i]):
                out.setdefault(fact["fact_id"], fact)
            previous, carry = None, None
            continue
        if not _MAY_HOLD_VALUE.search(sentence.text) or _FOOTNOTE.match(sentence.text):
            continue
        incoming = carry if _continues(previous, sentence) else None
        if (short[i - 1] if i else False) or (short[i + 1] if i + 1 < len(short) else False):
            incoming = labels.incoming(i, incoming)  # a line next to one short enough to be a label
        facts, carry = _sentence_facts(ctx, resolver, sentence, sentence.paragraph_id in estimated, incoming,
                                       para_years.get(sentence.paragraph_id))
        previous = sentence
        for fact in facts:
            out.setdefault(fact["fact_id"], fact)
    return list(out.values())


class _Labels:
    """Infographic labels on lines of their own: `地区生产总值` / `1.33万亿元` / `增长5.2%`, or the value
    first: `1.33万亿元` / `地区生产总值` / `增长5.2%`. A label is a short line without a value that is
    only a subject naming a quantity (no predicate, no clause break; normalize often makes it a
    heading). A line that is only a value takes the label right before it when that label has no
    value yet, else the label right after it; the first such choice in a report fixes which way
    the report writes them (a report is laid out one way). A line with a predicate but no subject
    (增长5.2%) right after a label continues it. Text that is not laid out this way has no labels."""

    def __init__(self, resolver: SubjectResolver, sentences: list):
        self.resolver = resolver
        self.sentences = sentences
        self.memo: dict[int, list[Subject] | None] = {}
        self.used: set[int] = set()
        self.layout: str | None = None  # "back" (label first) or "forward" (value first)

    def label(self, i: int, near) -> list[Subject] | None:
        """The subject(s) of sentence `i` when it is a label line next to sentence `near`."""
        if i < 0 or i >= len(self.sentences):
            return None
        s = self.sentences[i]
        if s.paragraph_id == near.paragraph_id or abs(s.sentence_id - near.sentence_id) != 1:
            return None
        if i not in self.memo:
            self.memo[i] = _label(self.resolver, s.text)
        return self.memo[i]

    def incoming(self, i: int, incoming: _Carry | None) -> _Carry | None:
        """What sentence `i` continues, labels considered."""
        sentence = self.sentences[i]
        if incoming is not None and self.layout != "forward":
            return incoming
        opening = _LINE_MARKERS.sub("", sentence.text)
        if not (opening[:1].isdigit() or self.resolver.lex.predicate_head_re.match(opening)):
            return incoming  # a line that opens with its own subject needs no label
        before = self.label(i - 1, sentence)
        after = self.label(i + 1, sentence) if self.layout != "back" else None
        if not before and not after:
            return incoming
        pure = _pure_value(sentence.text)
        if incoming is not None and not pure:
            return incoming
        if pure:
            if before and self.layout != "forward" and i - 1 not in self.used:
                self.layout = "back"
                self.used.add(i - 1)
                return _Carry(before, None, False, 0)
            if after and i + 1 not in self.used:
                self.layout = "forward"
                self.used.add(i + 1)
                return _Carry(after, None, False, 0)
        if before and incoming is None:
            return _Carry(before, None, False, 0)
        return incoming


def _pure_value(text: str) -> bool:
    """A line that is only a value (1.33万亿元, - 约5000万人次), its subject on another line."""
    m = _pure_value_re().match(text)
    if m is None:
        return False
    mentions = find_mentions(text)
    return bool(mentions) and mentions[0].start == m.end() - 1 and not text[mentions[-1].tail_end:].strip()


@lru_cache(maxsize=1)
def _pure_value_re() -> re.Pattern:
    """A line marker, a bound word (约, 突破, ≤) and a digit: how a line that is only a value opens."""
    bounds = sorted((w for w, info in load_lexicon().predicates.items() if info.bound), key=len, reverse=True)
    return re.compile(rf"^[\s\-*•·✓√>]*(?:{'|'.join(re.escape(b) for b in bounds)})?\s*\d")


def _label(resolver: SubjectResolver, text: str) -> list[Subject] | None:
    """The subject(s) a label line names: 地区生产总值, - 外贸进出口总额, PM2.5平均浓度."""
    if len(text) > _LABEL_MAX or _SENTENCE_END.search(text) or _LABEL_BREAK.search(text):
        return None
    if not _nameable().search(text):
        return None
    subject_text, pred = parse_predicate(text, resolver.lex)
    arriving = pred.reach and not (pred.change or pred.bound or pred.flow or pred.base or pred.total)
    if pred.words and not arriving:
        # 经济总量稳步提升: a heading saying how things went, not a label; a label may end with a
        # verb of arrival alone (地区生产总值完成 / 4861.8亿元: a line wrapped before its value)
        return None
    named = _named(resolver, subject_text)
    if named is None or (_MAY_HOLD_VALUE.search(text) and find_mentions(text)):
        return None
    return named


def _continues(previous, sentence) -> bool:
    """An infographic line that only says 同比增长7.2% continues the line before it: the line
    before ended without a full stop, in the same section, right before this one."""
    return (previous is not None and sentence.sentence_id == previous.sentence_id + 1
            and not previous.is_heading and previous.section_path == sentence.section_path
            and not _SENTENCE_END.search(previous.text))


def _clauses(text: str) -> list[tuple[int, int]]:
    lex = load_lexicon()
    spans, pos = [], 0
    for m in lex.clause_break_re.finditer(text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    return spans


def _groups(text: str, mentions: list[Mention]) -> list[list[Mention]]:
    """Consecutive values joined only by list separators (分别增长4.3%、7.9%) or a range sign
    (4.5%—5%) form one group: one subject list, one predicate."""
    lex = load_lexicon()
    groups: list[list[Mention]] = []
    for m in mentions:
        if groups:
            last = groups[-1][-1]
            between = text[last.tail_end:m.start]
            if (m.range_role == "high" and last.range_role == "low") or (
                    not last.counted and not m.counted and lex.list_separator_re.match(between)):
                groups[-1].append(m)
                continue
        groups.append([m])
    return groups


def _sentence_facts(ctx: _Context, resolver: SubjectResolver, sentence, paragraph_estimate: bool,
                    incoming: _Carry | None = None, paragraph_year: int | None = None
                    ) -> tuple[list[dict], _Carry | None]:
    """The facts of one sentence, and what its last clause leaves for a continuation line;
    `paragraph_year` is the year its paragraph opens with (今年/去年), for values without their own."""
    st = sentence.text
    mentions = find_mentions(st)
    if not mentions:
        return [], None
    lex = load_lexicon()
    clauses = _clauses(st)
    clause_starts = [a for a, _ in clauses]
    role = sentence.section_role
    if role == "other" and lex.target_cue_re.search(st):
        role = "targets"  # 今年主要预期目标是…, in a text whose sections were not recognised
    status0, period0 = ctx.years.for_role(role)
    estimate_at = estimate_from(st, paragraph_estimate)
    year_from = clause_years(st, clauses, ctx.years)
    zone_section = resolver.zone_section(sentence.section_path)
    multi_year_section = _multi_year_section(sentence.section_path)
    carry: _Carry | None = replace(incoming, evidence_start=0) if incoming else None
    history: list[Subject] = []  # the subjects named so far in the sentence, in order
    facts: list[dict] = []
    cursor, cursor_clause = 0, -1
    part_from: int | None = None  # where a sentence about a part of the region goes on (see below)
    shared_flow = ""  # the subject of the last item, whose flow verb a list goes on with (新增学位3.4万个、托位3100个)
    stretch_from: int | None = None
    for group in _groups(st, mentions):
        first = group[0]
        ci = bisect_right(clause_starts, first.start) - 1
        c_start, c_end = clauses[ci]
        if ci != cursor_clause:
            # the clauses without a value since the last one: one that names a subject makes it
            # the subject of what follows (外贸进出口总值实现较快增长,达到1036亿元)
            if ci > cursor_clause + 1 or (cursor_clause >= 0 and clauses[cursor_clause][1] - cursor > 1):
                for named, start in _value_less(resolver, st, clauses, cursor, cursor_clause, ci):
                    carry = _Carry(named, None, False, start)
                    history.extend(named)
            cursor, cursor_clause, stretch_from, shared_flow = c_start, ci, None, ""
        pre = st[cursor:first.start]
        cursor = group[-1].tail_end
        if first.kind == "rank":  # 地区生产总值增速居全省第2位: the subject stands before 居
            pre = lex.rank_verb_tail_re.sub("", pre)
        subject_text, pred = parse_predicate(pre, lex)
        if (shared_flow and not first.is_percent and not first.counted and not pred.reach
                and pre.lstrip().startswith("、")):
            flow_open = lex.flow_opening_re.match(resolver.display(resolver.clean(shared_flow)))
            if flow_open:
                subject_text = _share_flow(resolver, flow_open.group(0), subject_text)
        s_stretch = lex.stretch_re.search(pre)
        if s_stretch and stretch_from is None:
            stretch_from = cursor
        counted = first.counted if len(group) == 1 else ""
        if counted and sentence.is_heading and not pred.words and not resolver.display(resolver.clean(subject_text)):
            continue  # a heading that counts its items is a title (2024年十件民生实事, 三项重点任务)
        if counted:  # 新认定160家高新技术企业: the noun after the count is the subject
            subject_text = subject_text + pred.flow_words + counted
            pred.flow = False
        subjects, evidence_start, inherited = _subjects(resolver, subject_text, pred, group, carry, c_start)
        if subjects is None:
            carry = None
            continue
        if inherited and len(group) > 1 and len(subjects) != len(group) and len(history) >= len(group):
            # 接待游客1560万人次、实现旅游收入158亿元,分别增长32.1%和45.6%: one subject per earlier group
            subjects = history[-len(group):]
        shared_flow = "" if inherited else subject_text  # read only when a list item follows
        if (not inherited and not history and ci == 0 and not counted and not pred.flow
                and not any(x.code for x in subjects) and resolver.opens_with_zone(subject_text)):
            part_from = cursor  # the sentence opens with a part of the region: what follows stays there
        own = subjects  # what this group's values are about; `subjects` goes on to the next clause
        if inherited and pred.flow:
            # 高新技术企业总数达到156家,新认定42家: the flow of the stock, coded only when the
            # dictionary spells that flow (新认定高新技术企业); 净增115家 stays uncoded
            own = [resolver.resolve(pred.flow_words + resolver.lex.subject_tail_re.sub("", x.text))
                   for x in subjects]
        if inherited and pred.total:
            # 新设经营主体5.6万户,累计达到98万户: the total of a flow is its stock, which needs a
            # spelling of its own; the flow's code would be wrong. A subject without a flow word
            # whose flow was the predicate (科技型中小企业新增152家,累计达到486家) is the stock itself.
            own = [replace(x, code=None) if lex.flow_re.search(x.raw or x.text) else resolver.resolve(x.raw or x.text)
                   for x in own]
        own_year = pred.year or year_at(year_from, first.start) or paragraph_year
        if part_from is not None and first.start >= part_from:
            if ";" in st[part_from:first.start] or lex.whole_region_re.search(pre):
                part_from = None
            elif not inherited:
                own = [replace(x, code=None) for x in own]
        if pred.multi_year or zone_section or (own_year is None and (
                multi_year_section or lex.multi_year_re.search(st, 0, first.start))):
            own = [replace(x, code=None) for x in own]
        if pred.base and pred.year is None:  # 由80%提高到86%: 80% is where it started; the subject goes on
            # (由2015年的6790.3亿元增加到…: a starting point with its own year is a fact of that year)
            carry = _Carry(subjects, None, group[-1].is_percent, evidence_start)
            continue
        metric_prev = carry.metric if (inherited and carry) else None
        evidence = st[evidence_start:max(c_end, group[-1].tail_end)].strip()
        trailing = group[-1].post_bound if len(group) > 1 else None
        status, period = status0, period0
        if own_year is not None:
            period = own_year
            status = ctx.years.status_for_year(own_year, status0)
        metric = None
        if len(own) == len(group):
            pairs = list(zip(group, own, strict=True))
        elif len(group) == 1 and pred.each:
            pairs = [(first, x) for x in own]
        else:
            pairs = [(m, own[-1]) for m in group]
        for m, subj in pairs:
            read = _metric(m, pred, subj, metric_prev)
            if read is None:
                continue
            metric, value, unit = read
            if unit == "pp" and subj.code and not _is_rate(subj):
                # a change in percentage points is a change of a rate: of the growth rate (GDP增速提高0.5个
                # 百分点; 地区生产总值增长6.2%,比上年提高1.3个百分点) or of a share, never of an amount
                subj = replace(subj, code=None)
            bound = _bound(m, pred, trailing, subj.bound)
            f_status = status
            if f_status == "actual" and estimate_at is not None and estimate_at <= m.start:
                f_status = "estimate"
            if f_status == "actual" and pred.estimate:
                f_status = "estimate"
            stretch = f_status == "target" and (s_stretch is not None or stretch_from is not None)
            if period is None or not subj.text:
                continue
            facts.append(_fact(ctx, sentence, subj, m, metric, value, unit, bound, stretch, f_status,
                               period, evidence))
        carry = _Carry(subjects, metric, group[-1].is_percent, evidence_start)
        if not inherited:
            history.extend(subjects)
    if not _SENTENCE_END.search(st):  # a line that the next one continues: its last subject goes on
        for named, start in _value_less(resolver, st, clauses, cursor, cursor_clause, len(clauses)):
            carry = _Carry(named, None, False, start)
    return facts, carry


@lru_cache(maxsize=4096)
def _multi_year_section(section_path: str) -> bool:
    """Whether the nearest heading above that names a span says it reviews several years (贰 过去五年
    发展回顾, “十三五”时期主要成就): a value there without its own year is of no one year. A heading
    that names one year (过去五年和2022年工作回顾, (一)2022年主要工作) makes it that year's."""
    lex = load_lexicon()
    for heading in reversed(section_path.split(" > ")):  # the nearest heading that says decides
        if lex.single_year_re.search(heading):
            return False  # 过去五年工作回顾 > (一)2022年主要工作: that year
        if lex.multi_year_re.search(heading):
            return True
    return False


def _table_facts(ctx: _Context, resolver: SubjectResolver, sentence, row: Row) -> list[dict]:
    """The facts of one row of a text table (`texttables`): the value of each value column, in the
    row's unit, and the growth of each growth column, for the column's year and status. A rate's
    growth column (常住人口城镇化率 % 65.2 0.8) is a change in percentage points; a price index on
    the year before (居民消费价格指数(上年=100) % 102.1) is a growth of 2.1."""
    lex = load_lexicon()
    subj = resolver.resolve(row.name())
    if not subj.text:
        return []
    unit_cell = row.cell("unit")
    unit = "" if unit_cell is None or lex.table_no_data_re.match(unit_cell.text) else unit_cell.text
    if unit_cell is None and _is_unit(row.name_bracket()):
        unit = row.name_bracket()  # 地区生产总值(亿元)
    status0, period0 = ctx.years.for_role(sentence.section_role)
    out = []
    for col, cell in zip(row.columns, row.cells, strict=True):
        number = number_cell(cell.text) if col.kind in ("value", "growth") else None
        if number is None:
            continue
        low, high, growth, rate = number.low, number.high, col.kind == "growth", unit == "%"
        if not growth and unit in ("%", "") and high is None and lex.table_index_subject_re.search(subj.text) \
                and 50 < float(low) < 200:
            low, growth, rate = f"{float(low) - 100:.6g}", True, False
        shown = ("个百分点" if rate else "%") if growth else ("%" if number.percent else unit)
        written = f"{low}{shown}" + (f"—{high}{shown}" if high is not None else "") + number.rest
        sign_bound = lex.predicates[number.sign].bound if number.sign in lex.predicates else None
        for mention in find_mentions(written):
            m = replace(mention, start=cell.start, end=cell.end, tail_end=cell.end)
            read = _metric(m, Predicate(change=growth), subj, None)
            if read is None:
                continue
            metric, value, unit_out = read
            status, period = status0, period0
            if col.year is not None:
                status, period = ctx.years.status_for_year(col.year, status0), col.year
            if col.status == "target":
                status, period = "target", col.year or ctx.years.plan_year_or_next()
            elif col.status == "estimate":
                status = "estimate"
            if period is None:
                continue
            bound = sign_bound or _bound(m, Predicate(), None)
            out.append(_fact(ctx, sentence, subj, m, metric, value, unit_out, bound, False, status, period,
                             sentence.text.strip()))
    return out


def _is_unit(text: str) -> bool:
    """Whether a bracket's words are a unit (亿元, 万人, %), not a label (上年=100)."""
    if not text:
        return False
    mentions = find_mentions(f"1{text}")
    return len(mentions) == 1 and mentions[0].end == len(text) + 1


def _share_flow(resolver: SubjectResolver, flow: str, subject_text: str) -> str:
    """The subject of a list item that a flow verb before the list governs too: 新增学位3.4万个、托位3100个
    -> 新增托位; 新开工项目120个、竣工项目80个 keeps its own verb, and so does an item opening
    with a verb or a flow word of its own; a bare head (新设市场主体5.7万户、总量超过44万户)
    or a stock word (实有经营主体) is the stock."""
    rest = resolver.clean(subject_text)
    lex = resolver.lex
    if (not rest or lex.flow_re.match(rest) or lex.verb_re.match(rest) or lex.predicate_head_re.match(rest)
            or lex.np_stop_re.match(rest) or lex.stock_opening_re.match(rest) or resolver.is_bare_head(rest)):
        return subject_text
    return flow + rest


def _value_less(resolver: SubjectResolver, text: str, clauses: list[tuple[int, int]], cursor: int,
                cursor_clause: int, until: int) -> list[tuple[list[Subject], int]]:
    """The subjects named by the text without values between the last value (at `cursor`, in
    clause `cursor_clause`) and clause `until`, with where each starts: the rest of the last
    value's clause when a list goes on there (612亿元、外贸进出口总值实现较快增长), then every whole
    clause."""
    out = []
    if cursor_clause >= 0:
        rest = text[cursor:clauses[cursor_clause][1]]
        if _LIST_GOES_ON.match(rest):
            named = _named_subjects(resolver, rest)
            if named:
                out.append((named, cursor))
    for a, b in clauses[cursor_clause + 1:until]:
        if b > a:
            named = _named_subjects(resolver, text[a:b])
            if named:
                out.append((named, a))
    return out


def _named_subjects(resolver: SubjectResolver, text: str) -> list[Subject] | None:
    """The subject(s) that a text without a value names, or None when it names none:
    外贸进出口总值实现较快增长 -> [外贸进出口总值]; 高技术产业投资保持较快增长 -> [高技术产业投资] (no code,
    still a subject); 货物、集装箱吞吐量稳步增长 -> both; 按可比价格计算, 2023年, 经济运行稳中向好 -> None.
    A subject is named when its text ends with a dictionary spelling or a noun that ends the name of
    a quantity (`indicator_heads` in extraction.yaml)."""
    lex = resolver.lex
    if not _nameable().search(text):
        return None  # cheap: no head noun anywhere (most clauses of policy text)
    subject_text, pred = parse_predicate(text, lex)
    if pred.base:
        return None
    named = _named(resolver, subject_text)
    if named is not None or not (pred.change or pred.reach) or len(subject_text) < 4:
        return named
    # words between the verbs that the predicate list does not hold: the subject ends where a
    # predicate starts (实际使用外资实现恢复性增长, 网络零售额保持两位数增长), or before an adverb of two
    # characters (外贸进出口逆势增长)
    for m in lex.verb_re.finditer(subject_text, max(1, len(subject_text) - _PREDICATE_RUN)):
        before, pred = parse_predicate(subject_text[:m.start()], lex)
        named = None if pred.base else _named(resolver, before)
        if named is not None:
            return named
    return _named(resolver, subject_text[:-2])


@lru_cache(maxsize=1)
def _nameable() -> re.Pattern:
    """The last two characters of every head noun and dictionary spelling: a text that names a
    subject holds one of them (a quick test before reading it)."""
    words = set(load_lexicon().indicator_heads) | set(load_dictionary().code_of)
    ends = sorted({w[-2:] for w in words}, key=len, reverse=True)
    return re.compile("|".join(re.escape(e) for e in ends), re.IGNORECASE)


def _named(resolver: SubjectResolver, subject_text: str) -> list[Subject] | None:
    """The subject(s) of a subject text (predicate words gone), when the last ends with a head."""
    lex = resolver.lex
    cleaned = resolver.clean(subject_text)
    shown = resolver.display(cleaned)
    if not shown:
        return None
    tail = _TRAILING_BRACKET.sub("", shown)
    if not (lex.indicator_head_re.search(tail) or resolver.dictionary.head(tail)):
        return None  # cheap: what names no quantity is not resolved at all
    if lex.verb_re.match(shown) or lex.zone_heading_verbs_re.match(shown):
        return None  # a task, not a subject: 扩大有效投资, 做大产业基金规模
    items = None
    cuts = cleaned.count("、")
    if cuts:
        items = resolver.split(cleaned, cuts + 1, False)
    subjects = [resolver.resolve(i) for i in items] if items else [resolver.resolve(cleaned)]
    last = subjects[-1]
    if last.code is None and not lex.indicator_head_re.search(last.text):
        return None
    return subjects


def _subjects(resolver: SubjectResolver, subject_text: str, pred: Predicate, group: list[Mention],
              carry: _Carry | None, clause_start: int) -> tuple[list[Subject] | None, int, bool]:
    """The subject(s) of a group of values, where its evidence starts, and whether it was carried."""
    cleaned = resolver.clean(subject_text)
    shown = resolver.display(cleaned)
    if not shown:
        if carry is None:
            return None, clause_start, False  # (上接第一版)增长12.2%: the subject is on another page
        return carry.subjects, carry.evidence_start, True
    if carry is not None and _SHARE_OF_CARRIED.match(cleaned):
        # 高技术制造业增加值增长9.1%,占规模以上工业增加值的比重为18.2%: the share of the same subject;
        # 税收收入1400.6亿元,占一般公共预算收入的83.4%: a ratio the dictionary spells (tax_share)
        # (占地方一般公共预算收入的比重为68.8%: the share word is already there)
        of = cleaned.rstrip("的")
        of = of if resolver.lex.share_tail_re.search(of) else of + "比重"
        out = []
        for s in carry.subjects:
            whole = resolver.resolve(s.raw + of)
            out.append(whole if whole.code else replace(s, share=True))
        return out, carry.evidence_start, True
    if carry is not None and resolver.is_bare_head(cleaned):
        return [resolver.compose_bare(cleaned, carry.subjects[-1])], carry.evidence_start, False
    items = resolver.split(cleaned, len(group), pred.respectively) if len(group) > 1 else None
    if len(group) == 1 and pred.each:
        items = resolver.split_all(cleaned)
    if not items and pred.respectively and len(group) > 1:
        items = resolver.expand_compound(cleaned, len(group))
        if not items:  # 分别 with values that match no list of subjects: whose value is which is unknown
            return [replace(resolver.resolve(cleaned), code=None)], clause_start, False
    if items:
        # what stands before the first item's dictionary spelling (青岛港, 董家口港) is the list's
        first = resolver.resolve(items[0], flow_after=pred.flow)
        context = _list_context(resolver, items[0])
        resolved = [first] + [resolver.resolve(i, flow_after=pred.flow, context=context) for i in items[1:]]
        return resolved, clause_start, False
    return [resolver.resolve(cleaned, flow_after=pred.flow)], clause_start, False


def _list_context(resolver: SubjectResolver, item: str) -> str:
    m = resolver.dictionary.head(resolver.clean(item))
    return resolver.clean(item)[: m.start] if m else ""


def _metric(m: Mention, pred: Predicate, subj: Subject, inherited: str | None) -> tuple[str, float, str] | None:
    """metric, signed value and unit of one value, or None when it is not a fact."""
    read = _read_metric(m, pred, subj, inherited)
    if read is not None and read[0] == "share" and read[1] > 100:
        return None  # 为预算的102%, 完成年度目标的117.5%: a ratio to a plan, not a proportion
    return read


def _read_metric(m: Mention, pred: Predicate, subj: Subject, inherited: str | None) -> tuple[str, float, str] | None:
    sign = pred.sign if pred.change else 1
    if m.kind == "rank":
        return "rank", m.value, m.unit
    if m.unit == "pp":
        return "change", sign * m.value, "pp"
    if m.times:  # 增长1.5倍 -> +150 %
        return ("growth", sign * m.value * 100.0, "%") if pred.change else None
    if m.is_percent:
        if pred.change:
            return "growth", sign * m.value, "%"
        if subj.growth:
            return "growth", m.value, "%"
        if subj.share:
            return "share", m.value, "%"
        if inherited in ("growth", "share") and not pred.reach:
            return inherited, m.value, "%"
        expected = load_dictionary().expected_metrics(subj.code) if subj.code else ()
        if "growth" in expected and "share" not in expected and not pred.reach:
            return "growth", m.value, "%"
        return "share", m.value, "%"
    if pred.change:
        return "change", sign * m.value, m.unit
    return "level", m.value, m.unit


def _is_rate(subj: Subject) -> bool:
    """Whether the subject is itself a rate whose change can be told in percentage points: an
    indicator that is a share (税收占比, 城镇化率), or an amount's share when the text says share
    (数字经济核心产业增加值占GDP比重) and the dictionary states the indicator as a share too."""
    if subj.growth or subj.code is None:
        return False
    expected = load_dictionary().expected_metrics(subj.code)
    return "share" in expected and ("level" not in expected or subj.share)


def _bound(m: Mention, pred: Predicate, trailing: str | None, before_share: str | None = None) -> str:
    if m.range_role == "low":
        return "ge"
    if m.range_role == "high":
        return "le"
    return m.post_bound or trailing or pred.bound or before_share or "eq"


def _fact(ctx: _Context, sentence, subj: Subject, m: Mention, metric: str, value: float, unit: str,
          bound: str, stretch: bool, status: str, period: int, evidence: str) -> dict:
    span_start = sentence.char_start + m.start
    span_end = sentence.char_start + m.end
    value_base, base_unit = (m.value_base, m.base_unit) if metric in ("level", "change") else (None, None)
    if value_base is not None and value < 0:
        value_base = -abs(value_base)
    key = f"{ctx.report_id}|{span_start}|{span_end}|{metric}|{bound}|{subj.code}|{subj.text}"
    return {
        "fact_id": hashlib.sha1(key.encode("utf-8")).hexdigest()[:16],
        "report_id": ctx.report_id,
        "sentence_id": int(sentence.sentence_id),
        "region": ctx.region,
        "indicator_text": subj.text,
        "indicator_code": subj.code,
        "metric": metric,
        "value": float(value),
        "unit": unit,
        "value_base": value_base,
        "base_unit": base_unit if value_base is not None else None,
        "bound": bound,
        "stretch": bool(stretch),
        "status": status,
        "period": int(period),
        "span_start": span_start,
        "span_end": span_end,
        "evidence": evidence,
    }
