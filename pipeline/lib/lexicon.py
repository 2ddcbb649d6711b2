"""The reading rules of `pipeline/data/extraction.yaml`, compiled once.

The yaml holds the words (bound words, sign words, flow words, not-fact patterns…) with comments
on why; this module turns them into regular expressions and lookup tables, so that the extractor
never loops over word lists at run time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

EXTRACTION_PATH = Path(__file__).resolve().parents[1] / "data" / "extraction.yaml"


@dataclass(frozen=True)
class PredicateWord:
    """What a word between a subject and its value tells about the value."""

    word: str
    bound: str | None = None
    sign: int = 1
    growth: bool = False
    change: bool = False
    reach: bool = False
    to: bool = False
    stretch: bool = False
    estimate: bool = False
    base: bool = False
    multi_year: bool = False
    each: bool = False
    total: bool = False
    compare: bool = False


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@dataclass(frozen=True)
class Lexicon:
    predicates: dict[str, PredicateWord]
    predicate_tail: re.Pattern  # one predicate word (or flow word) at the end of a text
    tail_words: frozenset[str]  # the same words, for suffix lookups
    tail_longest: int
    comparison_tail_re: re.Pattern  # 比2022年 / 较上年同期 at the end of a text
    year_tail_re: re.Pattern  # 2022年的 at the end of a text
    duration_tail_re: re.Pattern  # 连续8年 at the end of a text
    predicate_head_re: re.Pattern  # a predicate word (or 占/居…) at the start of a text
    post_bounds: dict[str, str]
    post_bound_pattern: str
    range_separator_pattern: str
    list_separator_re: re.Pattern  # a text made only of list separators
    list_split_re: re.Pattern  # where to split a list of subjects
    list_split_wide_re: re.Pattern  # the same with 和/及/与 (only under 分别)
    respectively_re: re.Pattern
    clause_break_re: re.Pattern
    stretch_re: re.Pattern
    target_cue_re: re.Pattern
    estimate_re: re.Pattern
    share_tail_re: re.Pattern
    growth_tail_re: re.Pattern
    rank_verb_tail_re: re.Pattern
    subject_tail_re: re.Pattern
    bare_heads: frozenset[str]
    total_heads: frozenset[str]
    opener_re: re.Pattern
    flow_re: re.Pattern
    flow_opening_re: re.Pattern  # a flow word opening a subject (新增学位): shared by a list after it
    stock_opening_re: re.Pattern  # a word opening a stock (实有经营主体): no flow verb reaches it
    whole_region_re: re.Pattern  # a word naming the whole region again (全市, 我市)
    qualifier_re: re.Pattern
    subregion_re: re.Pattern
    event_re: re.Pattern
    zone_heading_re: re.Pattern
    zone_name_re: re.Pattern  # the name of a zone opening a subject (郑州航空港经济综合实验区规上工业增加值)
    zone_heading_verbs_re: re.Pattern
    per_capita_re: re.Pattern
    narrowing_prefix_re: re.Pattern
    not_fact_re: re.Pattern
    not_fact_pattern: str  # the same, as an alternation to build a scanner with
    list_heads: tuple[str, ...]
    compound_subjects: dict[str, tuple[str, ...]]
    np_stop_re: re.Pattern
    multi_year_re: re.Pattern
    single_year_re: re.Pattern
    table_name_words: tuple[str, ...]
    table_columns: dict[str, re.Pattern]  # header cell kind -> pattern (matched whole)
    table_target_re: re.Pattern
    table_estimate_re: re.Pattern
    table_index_subject_re: re.Pattern
    table_no_data_re: re.Pattern
    milestone_re: re.Pattern
    indicator_heads: tuple[str, ...]  # nouns that end the name of a quantity
    indicator_head_re: re.Pattern  # one of them at the end of a text
    capacity_tail_re: re.Pattern  # 年产 / 日处理 right before a value
    verb_re: re.Pattern  # a predicate word of two characters or more, anywhere (实现, 保持, 增长…)

    def predicate_suffix(self, text: str) -> str | None:
        """The longest predicate or flow word that ends `text` (what `predicate_tail` matches, by
        a few set lookups instead of a regex of every word tried at every position)."""
        for k in range(min(self.tail_longest, len(text)), 0, -1):
            if text[-k:] in self.tail_words:
                return text[-k:]
        return None


@lru_cache(maxsize=2)
def load_lexicon(path: Path = EXTRACTION_PATH) -> Lexicon:
    """The compiled rules, read once per process."""
    doc = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    predicates = {
        str(w): PredicateWord(word=str(w), **(attrs or {}))
        for w, attrs in doc["predicate_words"].items()
    }
    for w, info in list(predicates.items()):
        # a verb of change followed by 至/到 arrives somewhere: 回升至, 下降到, 提高至 (one word, so that
        # the subject keeps no character of the verb)
        if info.change and len(w) >= 2:
            for to in ("至", "到"):
                predicates.setdefault(w + to, PredicateWord(word=w + to, to=True))
    zone = "|".join(f"(?:{p})" for p in doc["zone_patterns"])
    post_bounds = {str(k): str(v) for k, v in doc["post_bounds"].items()}
    seps = [str(s) for s in doc["list_separators"]]
    narrow_seps = [s for s in seps if s == "、"]
    breaks = "".join(re.escape(b) for b in doc["clause_breaks"])
    return Lexicon(
        predicates=predicates,
        predicate_tail=re.compile(rf"(?:{_alternation(list(predicates) + list(doc['flow_words']))})$"),
        tail_words=frozenset(list(predicates) + [str(w) for w in doc["flow_words"]]),
        tail_longest=max(len(w) for w in list(predicates) + [str(w) for w in doc["flow_words"]]),
        comparison_tail_re=re.compile(rf"(?:{doc['comparison_base_pattern']})$"),
        year_tail_re=re.compile(rf"(?:{doc['value_year_pattern']})$"),
        duration_tail_re=re.compile(rf"(?:{doc['duration_pattern']})$"),
        predicate_head_re=re.compile(
            rf"^(?:{_alternation(list(predicates) + list(doc['rank_verbs']) + ['占', '其中', '较', '比'])})"),
        post_bounds=post_bounds,
        post_bound_pattern=_alternation(list(post_bounds)),
        range_separator_pattern=_alternation(doc["range_separators"]),
        list_separator_re=re.compile(rf"^\s*(?:{_alternation(seps)})\s*$"),
        list_split_re=re.compile(_alternation(narrow_seps)),
        list_split_wide_re=re.compile(_alternation(seps)),
        respectively_re=re.compile(_alternation(doc["respectively"])),
        # a comma between a digit and exactly three digits is a thousands separator
        clause_break_re=re.compile(rf"(?<!\d),|,(?!\d{{3}}(?!\d))|[{breaks.replace(',', '')}]"),
        stretch_re=re.compile(_alternation(doc["stretch_words"])),
        target_cue_re=re.compile(doc["target_cues"]),
        estimate_re=re.compile(_alternation(doc["estimate_words"])),
        share_tail_re=re.compile(rf"(?:{_alternation(doc['share_words'])})$"),
        growth_tail_re=re.compile(rf"(?:{_alternation(doc['growth_words'])})$"),
        rank_verb_tail_re=re.compile(rf"(?:{_alternation(doc['rank_verbs'])})[\u4e00-\u9fff]{{0,6}}$"),
        subject_tail_re=re.compile(rf"(?:{_alternation(doc['subject_tails'])})$"),
        bare_heads=frozenset(str(h) for h in doc["bare_heads"]),
        total_heads=frozenset(str(h) for h in doc["total_heads"]),
        opener_re=re.compile(
            rf"^(?:(?:{_alternation(doc['subject_openers'])}|(?:到|至|截至|截止到?)?(?:19|20)\d{{2}}年(?:底|末|度)?|\s|"
            + "|".join(f"(?:{p})" for p in doc["subject_opener_patterns"]) + ")+)"),
        flow_re=re.compile(_alternation(doc["flow_words"])),
        flow_opening_re=re.compile(rf"^(?:{_alternation(doc['flow_words'])})"),
        stock_opening_re=re.compile(rf"^(?:{_alternation(doc['stock_words'])})"),
        whole_region_re=re.compile(doc["whole_region_pattern"]),
        qualifier_re=re.compile(_alternation(doc["narrowing_qualifiers"])),
        subregion_re=re.compile("|".join(f"(?:{p})" for p in doc["subregion_patterns"]).replace("ZONE", zone)),
        event_re=re.compile("|".join(f"(?:{p})" for p in doc["event_patterns"])),
        zone_heading_re=re.compile(doc["zone_heading_pattern"].replace("ZONE", zone)),
        zone_name_re=re.compile(rf"^[\u4e00-\u9fff]{{0,12}}(?:{zone})"),
        zone_heading_verbs_re=re.compile(doc["zone_heading_verbs"]),
        per_capita_re=re.compile("|".join(f"(?:{p})" for p in doc["per_capita_patterns"])),
        narrowing_prefix_re=re.compile("|".join(f"(?:{p})" for p in doc["narrowing_prefix_patterns"])),
        # the lookahead lets the engine skip positions where no pattern can start (speed only)
        not_fact_re=re.compile(
            r"(?=[\d一二两三四五六七八九十第\[“《A-Za-z])(?:"
            + "|".join(f"(?:{p})" for p in doc["not_fact_patterns"]) + ")"),
        not_fact_pattern="|".join(f"(?:{p})" for p in doc["not_fact_patterns"]),
        list_heads=tuple(sorted((str(h) for h in doc["list_heads"]), key=len, reverse=True)),
        compound_subjects={str(k): tuple(str(x) for x in v) for k, v in doc["compound_subjects"].items()},
        np_stop_re=re.compile(_alternation(doc["np_stop_words"])),
        multi_year_re=re.compile("|".join(f"(?:{p})" for p in doc["multi_year_patterns"])),
        single_year_re=re.compile(doc["single_year_pattern"]),
        table_name_words=tuple(str(w) for w in doc["table_name_words"]),
        table_columns={"name": re.compile(_alternation(doc["table_name_words"])),
                       **{str(k): re.compile(str(v)) for k, v in doc["table_columns"].items()}},
        table_target_re=re.compile(doc["table_target"]),
        table_estimate_re=re.compile(doc["table_estimate"]),
        table_index_subject_re=re.compile(doc["table_index_subject"]),
        table_no_data_re=re.compile(doc["table_no_data"]),
        milestone_re=re.compile(_alternation(doc["milestone_words"])),
        indicator_heads=tuple(str(h) for h in doc["indicator_heads"]),
        indicator_head_re=re.compile(rf"(?:{_alternation(doc['indicator_heads'])})$"),
        capacity_tail_re=re.compile(rf"(?:{_alternation(doc['capacity_words'])})\s*$"),
        verb_re=re.compile(_alternation([w for w in predicates if len(w) >= 2])),
    )
