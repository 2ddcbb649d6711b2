"""Values in a sentence: a number with its magnitude and unit, and what stands right after it.

`find_mentions` returns every value of a sentence that can be a fact, in order, with what the
text around it says on its own: a bound written after it (5%以上, 700多个), a range (4.5%—5%),
a unit carried from the previous value (5.7万户、总量超过44万), or a noun it counts (4家民营企业).

What is not a value (SPEC's not-facts) is decided here: years and dates, ordinals in names,
version numbers, footnote markers, 5G/PM2.5, numbers in quotes, and measures that describe a
noun (10万吨大型智慧渔业养殖工船, 20万吨聚苯乙烯项目, 12英寸晶圆, 总投资500亿元的200个项目).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from pipeline.lib.lexicon import Lexicon, load_lexicon
from pipeline.lib.numbers import ARABIC, CHINESE, FRACTION, parse_fraction, parse_number, parse_rank, parse_tenths
from pipeline.lib.units import UnitTable, load_units

# What may follow a value without it describing a noun: a clause break, a list separator, a
# bracket, a quote, or the end of the text.
# The noun phrase a count written before it counts: up to a clause break, a list separator or
# another number (完成473个老旧小区和13个老旧街区改造 -> 老旧小区和).
_NOUN_PHRASE = re.compile(r"[^\s,;。!?:、\d]*")
# Spaces and then a noun after a count: a caption with the number first (9000家 高新技术企业).
_SPACED_NOUN = re.compile(r"^[ \t\u3000]+[\u4e00-\u9fff“]")
# A bracket with a number after a value restates it (7763.1万吨(1552.6亿斤)); one with words may
# qualify a noun (5亿元(含)以上的镇街, 20万吨(一期)聚苯乙烯项目).
_FOLLOW_OK = re.compile(r"^(?:$|[\s,;。!?:、)\]”’》—–\-~]|\((?=\s*\d)|和|及|与|或|以及)")


@dataclass(slots=True)
class Mention:
    """One value in a sentence; offsets are relative to the sentence text."""

    start: int  # first character of the number
    end: int  # just past the number, magnitude and unit (the fact's span)
    tail_end: int  # just past a bound written after the value (以上, 左右)
    value: float
    unit: str
    value_base: float | None
    base_unit: str | None
    kind: str  # percent | classifier | measure | rank
    post_bound: str | None = None
    range_role: str | None = None  # "low" / "high" of a range
    counted: str = ""  # the noun a count written before it counts (4家民营企业 -> 民营企业)
    times: bool = False  # 增长1.5倍: the value is already turned into percent

    @property
    def is_percent(self) -> bool:
        return self.kind == "percent"


@dataclass(slots=True)
class _Raw:
    start: int
    end: int
    tail_end: int
    number: float | None
    magnitude: str | None
    unit: str | None  # spelling as written
    special: str | None  # tenths | fraction | times | rank
    post_bound: str | None


class MentionFinder:
    """The compiled value pattern and the rules around it (build with `mention_finder()`)."""

    def __init__(self, lex: Lexicon, units: UnitTable):
        self.lex = lex
        self.units = units
        # a magnitude that starts a unit of its own is the unit: 500千瓦, 30千米 (not 500 千 + 瓦)
        unit_starts = sorted((u for u in [*units.spellings, *units.percent] if any(
            u.startswith(k) and len(u) > len(k) for k in units.magnitudes)), key=len, reverse=True)
        mags = units.magnitude_pattern
        if unit_starts:
            mags = rf"(?!{'|'.join(re.escape(u) for u in unit_starts)})(?:{mags})"
        bare = "|".join(re.escape(b) for b in sorted([*units.bare, *units.bare_bounded], key=len, reverse=True))
        unit_words = units.unit_pattern
        self.unit_at = re.compile(unit_words)
        value = (
            rf"(?:(?P<frac>{FRACTION})"
            rf"|(?:(?P<num>{ARABIC}|{CHINESE})|(?P<bare>{bare})(?=(?:多|余)?(?:{unit_words})))"
            rf"(?P<more1>多|余)?(?P<mag>{mags})?(?P<more2>多|余)?"
            rf"(?:(?P<cheng>成)(?P<tenth>[一二三四五六七八九](?![十百千万亿成]))?|(?P<times>倍)|(?P<unit>{unit_words}))?"
            rf"(?P<post>{lex.post_bound_pattern})?)"
        )
        rank = r"第\s*(?:\d+|[一二两三四五六七八九十]+)\s*(?:位|名)?|首位|榜首"
        # One scan per sentence, like a tokenizer: at each position a not-fact (2023年, 第32届,
        # PM2.5, “9+2”) is tried first and swallows its text, then a rank, then a value. The
        # lookahead lets the engine skip positions where none can start (speed only).
        self.scanner = re.compile(
            r"(?=[\d一二两三四五六七八九十百千万亿第首榜\[“《A-Za-z])"
            rf"(?:(?P<nf>{lex.not_fact_pattern})|(?P<rank>{rank})|(?P<val>{value}))"
        )
        self.range_between = re.compile(rf"^\s*(?:{lex.range_separator_pattern})\s*$")
        self.post_at = re.compile(lex.post_bound_pattern)

    # ------------------------------------------------------------------ raw values
    def _scan(self, text: str) -> tuple[list[_Raw], list[Mention]]:
        out: list[_Raw] = []
        ranks: list[Mention] = []
        for m in self.scanner.finditer(text):
            if m.group("val") is None:
                if m.group("rank") is not None:
                    rank = self._rank(text, m)
                    if rank is not None:
                        ranks.append(rank)
                continue
            start = m.start()
            if _glued(text, start):
                continue
            post = m.group("post")
            post_bound = self.lex.post_bounds.get(post) if post else None
            more = m.group("more1") or m.group("more2")
            if more and post_bound is None:
                post_bound = self.lex.post_bounds.get(more)
            end = m.end("post") if post else m.end()
            sign = 1.0
            if _minus_before(text, start):  # 分别增长12%、-3%: a negative value written with a minus
                start, sign = start - 1, -1.0
            if m.group("frac"):
                value = parse_fraction(m.group("frac"))
                if value is not None:  # a bound after it: 增长百分之十左右
                    after = self.post_at.match(text, m.end("frac"))
                    out.append(_Raw(start, m.end("frac"), after.end() if after else m.end("frac"), value, None, "%",
                                    "fraction", self.lex.post_bounds[after.group()] if after else None))
                continue
            if m.group("bare"):  # 突破千亿元: one 千亿元; 突破千家: 1000 家
                bare = m.group("bare")
                if m.group("mag") or not m.group("unit"):
                    continue
                magnitude, number = bare, 1.0
                if bare in self.units.bare_bounded:
                    if not self._bounded_bare(text, start, m.group("more1")):
                        continue
                    magnitude, number = self.units.bare_bounded[bare]
                out.append(_Raw(start, m.end("unit"), max(end, m.end("unit")), number, magnitude,
                                m.group("unit"), None, post_bound))
                continue
            num_text = m.group("num")
            chinese = not num_text[0].isdigit()
            if m.group("cheng"):
                value = parse_tenths(num_text, m.group("tenth"))
                if value is not None:
                    span_end = m.end("tenth") if m.group("tenth") else m.end("cheng")
                    out.append(_Raw(start, span_end, end, value, None, "%", "tenths", post_bound))
                continue
            magnitude = m.group("mag")
            if chinese and not (magnitude or re.search(r"[十百千]", num_text)):
                continue  # 三家, 一个: a numeral word, too often part of a name to be read alone
            value = parse_number(num_text)
            if value is None:
                continue
            value *= sign
            if m.group("times"):
                out.append(_Raw(start, m.end("times"), end, value, None, "倍", "times", post_bound))
                continue
            unit = m.group("unit")
            span_end = max(m.end("unit") if unit else -1, m.end("mag") if magnitude else -1,
                           m.end("more2") if m.group("more2") else -1, m.end("num"))
            if unit is None and post:
                end = m.end("post")
            out.append(_Raw(start, span_end, max(end, span_end), value, magnitude, unit, None, post_bound))
        return out, ranks

    def _bounded_bare(self, text: str, start: int, more: str | None) -> bool:
        """A one-character magnitude alone (千家, 万人) is a number only with a bound on it: 余/多
        after it, or a bound word before it (突破千家, 超万人, 近百家); not after 每 (每万人, a rate),
        nor where it starts a unit of its own (千米, 千瓦, 百分点)."""
        if start and text[start - 1] == "每":
            return False
        unit = self.unit_at.match(text, start)
        if unit is not None and unit.end() > start + 1:
            return False
        if more:
            return True
        word = self.lex.predicate_suffix(text[max(0, start - 6):start].rstrip())
        info = self.lex.predicates.get(word) if word else None
        return info is not None and info.bound is not None

    def _rank(self, text: str, m: re.Match) -> Mention | None:
        """第4名, 居全国第2位, 名列第一: a position, when 位/名 or a rank verb says so."""
        word = m.group()
        explicit = word.endswith(("位", "名")) and word.startswith("第")
        if not explicit and not self.lex.rank_verb_tail_re.search(text[max(0, m.start() - 12):m.start()]):
            return None
        if not _FOLLOW_OK.match(text[m.end():]):
            return None
        value = parse_rank(word)
        if value is None:
            return None
        return Mention(m.start(), m.end(), m.end(), float(value), "名", None, None, "rank")

    # ------------------------------------------------------------------ assembly
    def find(self, text: str) -> list[Mention]:
        """Every value of `text` that can be a fact, in order of position."""
        raws, ranks = self._scan(text)
        if not raws and not ranks:
            return []
        raws = self._backfill_lists(text, raws)
        mentions: list[Mention] = []
        previous_base: tuple[str, str] | None = None  # (canonical unit, base) of the last quantity
        i = 0
        while i < len(raws):
            r = raws[i]
            # a range: 4.5%—5%, 4.5—5%, 300至400家
            if i + 1 < len(raws) and self.range_between.match(text[r.tail_end:raws[i + 1].start]):
                nxt = raws[i + 1]
                if (r.unit is None and r.special is None) or (r.unit == nxt.unit and r.magnitude == nxt.magnitude):
                    low = replace(r, unit=nxt.unit, magnitude=nxt.magnitude, special=nxt.special)
                    pair = [self._mention(text, low, previous_base), self._mention(text, nxt, previous_base)]
                    if all(pair):
                        mentions.append(replace(pair[0], range_role="low"))  # type: ignore[arg-type]
                        mentions.append(replace(pair[1], range_role="high"))  # type: ignore[arg-type]
                        i += 2
                        continue
            mention = self._mention(text, r, previous_base)
            if mention is not None:
                mentions.append(mention)
                if mention.kind in ("classifier", "measure"):
                    previous_base = (self.units.split_unit(mention.unit)[1], mention.base_unit or "")
            i += 1
        mentions.extend(ranks)
        mentions.sort(key=lambda m: m.start)
        return mentions

    def _backfill_lists(self, text: str, raws: list[_Raw]) -> list[_Raw]:
        """18、15和12个工作日: bare numbers of a list take the unit of its last value."""
        out = list(raws)
        for i in range(len(out) - 2, -1, -1):
            r, nxt = out[i], out[i + 1]
            bare = r.unit is None and r.special is None and r.magnitude is None
            if bare and (nxt.unit or nxt.special) and self.lex.list_separator_re.match(text[r.tail_end:nxt.start]):
                out[i] = replace(r, magnitude=nxt.magnitude, unit=nxt.unit, special=nxt.special)
        return out

    def _mention(self, text: str, r: _Raw, previous_base: tuple[str, str] | None) -> Mention | None:
        if r.number is None:
            return None
        follow = text[r.tail_end:]
        counted = ""
        value = r.number
        if r.special in ("tenths", "fraction"):
            unit, base, base_unit, kind = "%", None, None, "percent"
        elif r.special == "times":
            unit, base, base_unit, kind = "倍", None, None, "percent"
        elif r.unit is None:
            # 44万 with its unit left out: the unit of the value before (新设市场主体5.7万户、总量超过44万)
            if r.magnitude is None or previous_base is None:
                return None
            q = self.units.quantity(r.number, r.magnitude, previous_base[0])
            if q is None:
                return None
            unit, base, base_unit, kind, value = q.unit, q.value_base, q.base_unit, q.kind, q.value
        else:
            q = self.units.quantity(r.number, r.magnitude, r.unit)
            if q is None:
                return None
            unit, base, base_unit, kind, value = q.unit, q.value_base, q.base_unit, q.kind, q.value
        ok = self._follow_ok(follow)
        spaced = _SPACED_NOUN.match(follow)
        if (spaced or not ok) and self.lex.capacity_tail_re.search(text, max(0, r.start - 6), r.start):
            return None  # a capacity in a description: 年产10万台工业机器人项目, 日处理5000吨的污水厂
        if kind == "classifier" and spaced:
            counted = self._counted(follow.lstrip())  # an infographic's **9000家** 高新技术企业
        elif not ok:
            if follow.startswith("的") or kind != "classifier":
                return None  # a measure describing a noun: 20万吨聚苯乙烯, 2.1亿立方米的水库
            counted = self._counted(follow)
        return Mention(r.start, r.end, r.tail_end, value, unit, base, base_unit, kind,
                       post_bound=r.post_bound, counted=counted, times=r.special == "times")

    def _follow_ok(self, follow: str) -> bool:
        if _FOLLOW_OK.match(follow):
            return True
        return bool(self.lex.predicate_head_re.match(follow) or self.lex.np_stop_re.match(follow)
                    or self.lex.milestone_re.match(follow))

    def _counted(self, follow: str) -> str:
        m = _NOUN_PHRASE.match(follow)
        np = m.group() if m else ""
        stop = self.lex.np_stop_re.search(np)
        if stop:
            np = np[:stop.start()]
        return np[:20]


def _minus_before(text: str, start: int) -> bool:
    """A minus sign that belongs to the number: after a separator or a verb, not between two
    values (4.5%-5% is a range)."""
    if start == 0 or text[start - 1] not in "-−":
        return False
    if start == 1:
        return True
    before = text[start - 2]
    return not ((before.isascii() and before.isalnum()) or before in "%.)")


def _glued(text: str, start: int) -> bool:
    """A number right after a Latin letter, a digit or a dot is part of a code or a name."""
    if start == 0:
        return False
    c = text[start - 1]
    return c.isascii() and (c.isalnum() or c in "./+")


@lru_cache(maxsize=1)
def mention_finder() -> MentionFinder:
    """The finder, compiled once per process."""
    return MentionFinder(load_lexicon(), load_units())


def find_mentions(text: str) -> list[Mention]:
    """Every value of a sentence that can be a fact.

    >>> [(m.value, m.unit) for m in find_mentions("全市实现地区生产总值15760.34亿元,同比增长5.9%")]
    [(15760.34, '亿元'), (5.9, '%')]
    """
    return mention_finder().find(text)
