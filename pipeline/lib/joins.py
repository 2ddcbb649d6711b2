"""Joining paragraphs that a newspaper page break cut inside a sentence.

Once a page-break marker is gone (`(下转第二版)`), its sentence lies in two paragraphs with a
blank line between: `(六)加快推进农业农村现代化,乡村振兴取` / `得积极成效。粮食…`. A join
removes that blank line (an edit of kind `page_break_join`). The rule is in `headings.yaml`
(`join`): it uses the heading systems to tell a cut line from a heading that stands alone.
"""

from __future__ import annotations

import re

from pipeline.lib.editlog import Change
from pipeline.lib.sections import marker_of, rules
from pipeline.lib.sentences import SENTENCE_END, first_sentence_end, paragraphs

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
