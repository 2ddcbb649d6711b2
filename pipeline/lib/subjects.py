"""Subjects and predicates: what the text before a value says about it.

The text between the previous value (or the clause start) and a value reads
SUBJECT PREDICATE: 全市实现地区生产总值 | 同比增长. `parse_predicate` peels predicate words off the
right end (they tell the bound, the sign, growth or level, stretch, estimate) and leaves the subject;
`SubjectResolver` maps a subject to a dictionary code, or to none when the subject is a flow of a
stock, a part of the region, a single event or a per-person measure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from pipeline.lib.dictionary import HeadMatch, IndicatorDictionary, load_dictionary
from pipeline.lib.lexicon import Lexicon, PredicateWord, load_lexicon

# List markers and numbering before a subject: `- ✓`, (一), (1), 1., 1、, ①, 一是, 二、
_LEAD_JUNK = re.compile(
    r"^[\s、,;:。!?\-—–~*#>•·✓√()\[\]]+|^\([一二三四五六七八九十\d]+\)|^[一二三四五六七八九十]+是"
    r"|^\d{1,2}[.、](?!\d)|^[一二三四五六七八九十]{1,3}、|^[\u2460-\u2473]")
_TRAILING_PAREN = re.compile(r"\([^()]{0,20}\)$")
_ANY_PAREN = re.compile(r"\([^()]{0,20}\)")
# 占 that opens a share phrase (占全市43%, 占地区生产总值比重), not 占比/占据/占有/占地/占用/占领; and
# 相当于 (研发经费支出相当于地区生产总值的2.9%)
_SHARE_OF = re.compile(r"占(?!比|据|有|地面积|地\d|用|领|优)|相当于")
_SHARE_OBJECT_TAIL = re.compile(r"(?:的)?(?:比重|比例|份额)?$")


@dataclass(slots=True)
class Predicate:
    """What the predicate words before a value tell about it."""

    words: list[str] = field(default_factory=list)  # in text order
    bound: str | None = None  # the bound word nearest the value
    sign: int = 1
    change: bool = False  # 增长/提高/下降… not followed by 到/至
    reach: bool = False
    stretch: bool = False
    estimate: bool = False
    base: bool = False  # 由/从: a starting point, not a fact
    multi_year: bool = False  # 年均增长: an average over years, not a fact of one period
    each: bool = False  # 均/都: the one value holds for every subject of the list
    total: bool = False  # 累计/共计: a total so far
    flow: bool = False  # 市场主体新增5万户: a flow word after the subject
    flow_words: str = ""  # those flow words, for a count written before its noun (新认定160家高新技术企业)
    respectively: bool = False
    year: int | None = None  # a year written right before the value (2022年的)


@dataclass(frozen=True, slots=True)
class Subject:
    """A resolved subject: the indicator as written and its code (None when none fits)."""

    text: str
    code: str | None
    share: bool = False  # 占比, 覆盖率, 占…: a percent is a share
    growth: bool = False  # 增速, 增幅: a percent is a growth rate
    raw: str = ""  # the subject before openers were dropped (for a bare head's topic)
    bound: str | None = None  # a bound word before 占 (约占 -> approx)


# A comparison base written with its year (较2022年, 比2020年末): a predicate word of its own kind.
_COMPARISON = "<comparison base>"
_COMPARISON_WORD = PredicateWord(word=_COMPARISON, compare=True)


def parse_predicate(pre: str, lex: Lexicon | None = None) -> tuple[str, Predicate]:
    """Split the text before a value into subject and predicate.

    >>> s, p = parse_predicate("全年海洋生产总值预计同比增长")
    >>> s, p.change, p.estimate
    ('全年海洋生产总值', True, True)
    """
    lex = lex or load_lexicon()
    pred = Predicate()
    s = pre.rstrip()
    words: list[str] = []
    while s:
        w = lex.predicate_suffix(s)
        if w is not None:
            words.append(w)
            s = s[:-len(w)].rstrip()
            continue
        m = lex.comparison_tail_re.search(s)  # 较2022年增长: the comparison base is no subject
        if m is not None:
            words.append(_COMPARISON)
            s = s[:m.start()].rstrip()
            continue
        m = lex.duration_tail_re.search(s) if s[-1] == "年" else None  # 连续8年稳定在: how long it held
        if m is not None:
            s = s[:m.start()].rstrip()
            continue
        m = lex.year_tail_re.search(s)  # 增加到2022年的5.2万亿元: the value's own year
        if m is not None:
            pred.year = int(m.group(1))
            s = s[:m.start()].rstrip()
            continue
        break
    words.reverse()
    pred.words = [w for w in words if w is not _COMPARISON]
    infos = [_COMPARISON_WORD if w is _COMPARISON else lex.predicates.get(w) for w in words]
    for i, w in enumerate(words):
        info = infos[i]
        if info is None and i and (before := infos[i - 1]) is not None and before.compare:
            pred.change = True  # 比上年净增289家: the change of the stock on the base, not a flow
            continue
        if info is None:  # a flow word after the subject: 市场主体新增
            pred.flow = True
            pred.flow_words += w
            continue
        nxt = lex.predicates.get(words[i + 1]) if i + 1 < len(words) else None
        if info.growth or info.change:
            if nxt is not None and nxt.to:
                pred.reach = True
            else:
                pred.change = True
                if info.sign < 0:
                    pred.sign = -1
        if info.reach or info.to:
            pred.reach = True
        if info.bound:
            pred.bound = info.bound
        pred.stretch |= info.stretch
        pred.estimate |= info.estimate
        pred.base |= info.base
        pred.multi_year |= info.multi_year
        pred.each |= info.each
        pred.total |= info.total
        if lex.respectively_re.fullmatch(w):
            pred.respectively = True
    return s, pred


class SubjectResolver:
    """Maps subjects to dictionary codes under SPEC's rules (stock/flow, whole region)."""

    def __init__(self, region: str | None, lex: Lexicon | None = None,
                 dictionary: IndicatorDictionary | None = None):
        self.lex = lex or load_lexicon()
        self.dictionary = dictionary or load_dictionary()
        self.region = region or ""
        self.region_short = _region_short(self.region)
        # the region's own name, and its short name where it would read as a town or a county; not
        # before 区/城 (烟台市区 is a part)
        own = [n for n in (self.region, self.region_short)
               if len(n) >= 2 and (n == self.region or any(c in n for c in "镇乡县"))]
        self._own_name_re = re.compile(f"(?:{'|'.join(map(re.escape, own))})(?![区城])") if own else None
        self._memo: dict[tuple[str, bool, str], Subject] = {}

    # ------------------------------------------------------------------ text
    def clean(self, subject: str) -> str:
        """Drop list markers and leading punctuation: `- ✓ 海洋生产总值` -> `海洋生产总值`."""
        prev = None
        s = subject.strip()
        while prev != s:
            prev = s
            s = _LEAD_JUNK.sub("", s).strip()
        return s

    def display(self, subject: str) -> str:
        """indicator_text: the subject as written, without openers (全市实现, 2023年, 其中)."""
        s = self.lex.opener_re.sub("", subject).strip()
        return s[-40:] if len(s) > 40 else s

    def is_bare_head(self, subject: str) -> bool:
        return self.display(subject) in self.lex.bare_heads

    # ------------------------------------------------------------------ lists
    def split(self, subject: str, n: int, respectively: bool) -> list[str] | None:
        """The items of a list of subjects that pairs with `n` values, or None.

        货物、集装箱吞吐量 with 2 values -> [货物吞吐量, 集装箱吞吐量]: an item that does not end
        with a head takes the head of the last item. A dictionary spelling that holds a separator
        (新增过会、上市企业) is never cut.
        """
        if n < 2:
            return None
        protected = self.dictionary.spans(subject) + [
            (m.start(), m.end()) for m in re.finditer(r"“[^”]*”|\([^)]*\)", subject)]
        for splitter in (self.lex.list_split_re, self.lex.list_split_wide_re):
            if splitter is self.lex.list_split_wide_re and not respectively:
                break
            cuts = [m for m in splitter.finditer(subject)
                    if not any(s <= m.start() < e for s, e in protected)]
            if len(cuts) + 1 != n:
                continue
            return self._cut(subject, cuts)
        return None

    def split_all(self, subject: str) -> list[str] | None:
        """The items of a list of subjects that one value holds for each (A和B均增长10%), or None."""
        protected = self.dictionary.spans(subject) + [
            (m.start(), m.end()) for m in re.finditer(r"“[^”]*”|\([^)]*\)", subject)]
        cuts = [m for m in self.lex.list_split_wide_re.finditer(subject)
                if not any(s <= m.start() < e for s, e in protected)]
        if not cuts:
            return None
        return self._cut(subject, cuts)

    def _cut(self, subject: str, cuts: list[re.Match[str]]) -> list[str] | None:
        """The pieces of `subject` between the cuts, sharing their head; None if a piece is empty."""
        items, pos = [], 0
        for m in cuts:
            items.append(subject[pos:m.start()])
            pos = m.end()
        items.append(subject[pos:])
        if any(not i.strip() for i in items):
            return None
        return self._share_head(items)

    def expand_compound(self, subject: str, n: int) -> list[str] | None:
        """城乡居民人均可支配收入 with 2 values -> [城镇居民人均可支配收入, 农村居民人均可支配收入]."""
        shown = self.display(subject)
        for key in sorted(self.lex.compound_subjects, key=len, reverse=True):
            parts = self.lex.compound_subjects[key]
            if shown.startswith(key) and len(parts) == n:
                return [p + shown[len(key):] for p in parts]
        return None

    def _share_head(self, items: list[str]) -> list[str]:
        last = items[-1]
        heads = [h for h in self.lex.list_heads if last.endswith(h) and len(last) > len(h)]
        if not heads:
            return items
        out = []
        for item in items[:-1]:
            own = self.dictionary.head(self.clean(item)) is not None
            if own or any(item.endswith(h) for h in self.lex.list_heads):
                out.append(item)
                continue
            joined = [_join(item, h) for h in heads]  # longest head first
            out.append(next((j for j in joined if self.dictionary.head(self.clean(j))), joined[0]))
        return [*out, last]

    # ------------------------------------------------------------------ codes
    def resolve(self, subject: str, *, flow_after: bool = False, context: str = "") -> Subject:
        """The code of a subject, or None; `context` is the list prefix whose checks also apply.
        Memoized: reports repeat their subjects (地区生产总值, 一般公共预算收入…) all the time."""
        key = (subject, flow_after, context)
        hit = self._memo.get(key)
        if hit is None:
            if len(self._memo) > 50_000:
                self._memo.clear()
            hit = self._memo[key] = self._resolve(subject, flow_after, context)
        return hit

    def _resolve(self, subject: str, flow_after: bool, context: str) -> Subject:
        raw = self.clean(subject)
        share = bool(self.lex.share_tail_re.search(raw))
        growth = bool(self.lex.growth_tail_re.search(raw))
        match, variant = self._match(raw)
        text = raw
        bound = None
        if match is None and (m := _last_share_of(raw)) is not None:
            # 生产性服务业增加值占地区生产总值比重: the subject is what comes before 占 (and before
            # a bound word on 占: 高新技术企业约占全省的三分之一)
            text, pred = parse_predicate(raw[:m.start()], self.lex)
            bound = pred.bound
            share = True
            match, variant = self._match(text)
            if match is not None:  # 研发投入占地区生产总值比重: a ratio the dictionary names (rd_intensity)
                whole = self.dictionary.head(_SHARE_OBJECT_TAIL.sub("", raw[m.end():]))
                ratio = self.dictionary.ratio(match.code, whole.code) if whole is not None else None
                if ratio is not None:
                    match = HeadMatch(ratio, match.start, match.text)
        code = None
        if match is not None:
            code = match.code
            prefix = context + variant[:match.start]
            if flow_after or self._excluded(prefix):
                code = None
        return Subject(self.display(text) or self.display(raw), code, share, growth, raw, bound)

    def compose_bare(self, bare: str, previous: Subject) -> Subject:
        """A bare head continues the previous subject's topic: 引进人才 + 总量 -> 人才总量;
        粮食播种面积 + 总产量 -> 粮食总产量. The head says stock, so a flow word of the previous
        clause does not carry over."""
        head = self.display(bare)
        prev = previous.raw or previous.text
        for k in range(len(prev), 0, -1):
            cand = prev[:k] + head
            m = self.dictionary.head(cand)
            if m is not None and m.start < k:
                code = None if self._excluded(prev[:m.start], flow=False) else m.code
                return Subject(m.text, code, raw=cand)
        text = self.display(prev) + head if prev else head
        if previous.code and head in self.lex.total_heads and not self.lex.flow_re.search(prev):
            # 一般公共预算收入增长5.6%、总量超过300亿元: the total of the same indicator
            return Subject(text, previous.code, raw=prev + head)
        return Subject(text, None, raw=prev + head)

    def _match(self, subject: str) -> tuple[HeadMatch | None, str]:
        """Try the subject, then without a trailing bracket, narrowing words, and tail words: the
        first variant with a dictionary spelling, or, when a narrowing word was dropped, the one
        whose spelling is longest (the first of equals)."""
        variants = [subject]
        no_paren = _TRAILING_PAREN.sub("", subject)
        variants.append(no_paren)
        no_paren = _ANY_PAREN.sub("", no_paren)  # 细颗粒物(PM2.5)年均浓度 -> 细颗粒物年均浓度
        variants.append(no_paren)
        narrowed = self.lex.qualifier_re.sub("", no_paren)
        variants.append(narrowed)
        untailed = self.lex.subject_tail_re.sub("", narrowed)
        if untailed:
            variants.append(untailed)
        longest = narrowed != no_paren  # a narrowing word may hide a longer spelling: try every variant
        best: tuple[HeadMatch | None, str] = (None, subject)
        for v in dict.fromkeys(variants):
            m = self.dictionary.head(v)
            # the longest spelling wins: 新登记各类市场主体 is 新登记市场主体, not 市场主体 after a flow
            if m is not None and (best[0] is None or len(m.text) > len(best[0].text)):
                best = (m, v)
                if not longest:
                    break
        return best

    def _excluded(self, prefix: str, flow: bool = True) -> bool:
        """A prefix that makes the subject not the whole region's indicator."""
        if flow and self.lex.flow_re.search(prefix):
            return True
        if self.lex.event_re.search(prefix) or self.lex.per_capita_re.search(prefix):
            return True
        if self.lex.narrowing_prefix_re.search(prefix.rstrip("的")):
            return True
        if self._own_name_re is not None:  # 景德镇市, 镇江: the region's name is not a town's
            prefix = self._own_name_re.sub(" ", prefix)
        for m in self.lex.subregion_re.finditer(prefix):
            if self._own_name(m.group()):
                continue  # 青岛港 in a 青岛市 report: the region's own port
            return True
        return False


    def opens_with_zone(self, text: str) -> bool:
        """Whether a subject text opens with the name of a zone of the region (not the region itself)."""
        m = self.lex.zone_name_re.match(self.display(self.clean(text)))
        return m is not None and not self._own_name(m.group())

    def zone_section(self, section_path: str) -> bool:
        """Whether the section's own heading is the name of a zone of the region (not the region)."""
        heading = section_path.rsplit(" > ", 1)[-1].strip() if section_path else ""
        if not heading or not self.lex.zone_heading_re.match(heading):
            return False
        return not self.lex.zone_heading_verbs_re.search(heading) and not self._own_name(heading)

    def _own_name(self, name: str) -> bool:
        """A port named after the region (青岛港 for 青岛市 or 青岛西海岸新区, 宁波舟山港 for 宁波市), or a
        zone that is the region itself (上合示范区 in the 上合示范区's own report). A zone named after
        its city (合肥高新区 in a 合肥市 report) is a part of it."""
        if not name.endswith("港"):
            return bool(self.region) and (name in self.region or self.region in name)
        short = self.region_short
        name = name[:-1]
        if not short or len(name) < 2:
            return False
        return short in name or any(short.startswith(name[-k:]) for k in range(2, len(name) + 1))


@lru_cache(maxsize=512)
def resolver_for(region: str | None) -> SubjectResolver:
    """One resolver per region and process, so that its memo serves every report of the region."""
    return SubjectResolver(region)


def _join(item: str, head: str) -> str:
    """Put a shared head after an item, once: 城镇居民 + 居民人均可支配收入 -> 城镇居民人均可支配收入."""
    for k in range(min(len(item), len(head) - 1), 0, -1):
        if item.endswith(head[:k]):
            return item + head[k:]
    return item + head


def _last_share_of(text: str) -> re.Match | None:
    last = None
    for m in _SHARE_OF.finditer(text):
        if m.start() > 0:
            last = m
    return last


def _region_short(region: str) -> str:
    """青岛市 -> 青岛; 青岛西海岸新区 -> 青岛西海岸; 山东省 -> 山东."""
    for suffix in ("特别行政区", "自治区", "自治州", "自治县", "新区", "省", "市", "区", "县", "州", "盟", "旗"):
        if region.endswith(suffix) and len(region) > len(suffix) + 1:
            return region[: -len(suffix)]
    return region
