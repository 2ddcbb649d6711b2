"""Sentence and paragraph boundaries of a normalized text.

A paragraph is a line (a list item, a heading line, a body paragraph). A sentence ends after
`。` `!` `?` (with any closing quotes or brackets that follow: `…的十年。”`), at the end of its
line, and where a run-in heading ends (`**加强数字政府建设**把…`). A semicolon does not end a
sentence: the clauses around it share a subject or a `预计` (`预计,…4500亿元,同比增长5.5%左右;
扣除…321亿元`), and the fact extractor splits clauses itself. Numbers are never split: `15760.34`,
`1/3`, `PM2.5` hold no sentence end.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

SENTENCE_END = re.compile(r"[。!?！？]+[”’」』)）》]*")
_LINE = re.compile(r"[^\n]+")


@dataclass(frozen=True)
class Paragraph:
    """One non-empty line of the normalized text; `blank_before` tells a blank line precedes it."""

    start: int
    end: int
    blank_before: bool


def paragraphs(text: str) -> Iterator[Paragraph]:
    """The lines of a normalized text (lines are already stripped by the whitespace stage)."""
    for m in _LINE.finditer(text):
        s = m.start()
        yield Paragraph(s, m.end(), s >= 2 and text[s - 2 : s] == "\n\n")


def first_sentence_end(line: str) -> int | None:
    """Offset just past the first sentence end of `line`, or None when it has none."""
    m = SENTENCE_END.search(line)
    return m.end() if m else None


def sentence_spans(text: str, start: int, end: int, forced: Iterable[int] = ()) -> list[tuple[int, int]]:
    """Sentences of `text[start:end]` as (start, end) offsets into `text`.

    `forced` adds boundaries (a run-in heading's end). Blanks at a sentence's edges are left
    out, so every span starts and ends on a visible character.
    """
    cuts = {start, end}
    cuts.update(m.end() for m in SENTENCE_END.finditer(text, start, end) if m.end() < end)
    cuts.update(p for p in forced if start < p < end)
    out: list[tuple[int, int]] = []
    ordered = sorted(cuts)
    for a, b in itertools.pairwise(ordered):
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            out.append((a, b))
    return out
