"""Joining text that a page break or a line wrap cut inside a sentence.

Once a page-break marker is gone (`(下转第二版)`), its sentence lies in two paragraphs with a
blank line between: `(六)加快推进农业农村现代化,乡村振兴取` / `得积极成效。粮食…`. A join
removes that blank line (an edit of kind `page_break_join`). The rule is in `headings.yaml`
(`join`): it uses the heading systems to tell a cut line from a heading that stands alone.

A web page or a converted PDF may also wrap a line inside a value (`205.8亿` / `元`): that single
line break goes (`line_break_join`, `wrap_joins` in headings.yaml).
"""

from __future__ import annotations

import re
from functools import lru_cache

from pipeline.lib.editlog import Change
from pipeline.lib.sections import marker_of, rules
from pipeline.lib.sentences import SENTENCE_END, first_sentence_end, paragraphs
from pipeline.lib.units import load_units

_BLANK_LINE = re.compile("\n\n")


def join_changes(text: str) -> list[Change]:
    """Join paragraphs that a page break cut inside a sentence (`乡村振兴取` / `得积极成效`).

    Only a blank-line break is a candidate (that is how a page break shows once its marker
    is gone); the rule (see `join` in headings.yaml) looks at the text alone, so cleaning stays
    idempotent. Candidates come from one fast scan for blank lines; the per-system run-in
    count is taken only when a candidate opens with a marker.
    """
    r = rules()
    changes: list[Change] = []
    runin: dict[str, int] | None = None
    joined_a = ""  # the first paragraph as joined so far, when the last candidate was joined
    n = len(text)
    for m in _BLANK_LINE.finditer(text):
        s, e = m.start(), m.end()
        if s == 0 or not (r.join_first_ends.match(text, s - 1) and r.join_second_starts.match(text, e)):
            continue
        b_end = text.find("\n", e)
        b = text[e : b_end if b_end >= 0 else n]
        if marker_of(b) or r.footnote_definition.match(b) or not SENTENCE_END.search(b):
            continue
        a_start = text.rfind("\n", 0, s) + 1
        a = text[a_start:s]
        if changes and changes[-1].end == a_start:
            a = joined_a + a
        mk = marker_of(a)
        if mk:
            if runin is None:
                runin = _runin_counts(text)
            ok = runin.get(mk[0].name, 0) > 0
        else:
            ok = SENTENCE_END.search(a) is not None
        if ok and not r.footnote_definition.match(a):
            changes.append(Change(s, e, "", "page_break_join"))
            joined_a = a
    return changes


def _runin_counts(text: str) -> dict[str, int]:
    """Per heading system: run-in lines minus standalone lines (positive: the report runs in)."""
    counts: dict[str, int] = {}
    for p in paragraphs(text):
        line = text[p.start : p.end]
        mk = marker_of(line)
        if mk:
            counts[mk[0].name] = counts.get(mk[0].name, 0) + (1 if _is_runin(line) else -1)
    return counts


def _is_runin(line: str) -> bool:
    end = first_sentence_end(line)
    return end is not None and end < len(line)


_WRAP_AFTER = frozenset("0123456789万亿千百以")  # what a break inside a value follows (a rare pair)
_WRAP_REACH = 40  # characters before a break that a `before` pattern may read


def wrap_changes(text: str) -> list[Change]:
    """Remove the single line breaks that cut a value (`205.8亿` / `元`, `2.5万人以` / `上`): see
    `wrap_joins` in headings.yaml. Only a break after a digit, a magnitude or 以 is looked at."""
    changes = []
    at = text.find("\n", 1)
    while at > 0:
        if text[at - 1] in _WRAP_AFTER and any(
                after.match(text, at + 1) and before.search(text, max(0, at - _WRAP_REACH), at)
                for before, after in _wrap_patterns()):
            changes.append(Change(at, at + 1, "", "line_break_join"))
        at = text.find("\n", at + 1)
    return changes


@lru_cache(maxsize=1)
def _wrap_patterns() -> list[tuple[re.Pattern[str], re.Pattern[str]]]:
    """(before, after) of each rule; `before` must end at the break (`\\Z` at the search's end)."""
    unit = f"[万亿千百]*(?:{load_units().unit_pattern}|%)"
    return [(re.compile(f"(?:{b.replace('UNIT', unit)})\\Z"), re.compile(a.replace("UNIT", unit)))
            for b, a in rules().wrap_joins]
