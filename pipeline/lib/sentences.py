"""Sentence and paragraph boundaries of a normalized text.

A paragraph is a line (a list item, a heading line, a body paragraph). A sentence ends after
`。` `!` `?` (with any closing quotes or brackets that follow: `…的十年。”`), at the end of its
line, and where a run-in heading ends (`**加强数字政府建设**把…`). A semicolon does not end a
sentence: the clauses around it share a subject or a `预计` (`预计,…4500亿元,同比增长5.5%左右;
扣除…321亿元`), and the fact extractor splits clauses itself. Numbers are never split: `15760.34`,
`1/3`, `PM2.5` hold no sentence end.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

SENTENCE_END = re.compile(r"[。!?！？]+[”’」』)）》]*")
_LINE = re.compile(r"[^\n]+")


class Paragraph(NamedTuple):
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


_ALL_CHUNKS = re.compile(r"[^\n。!?！？]+(?:[。!?！？]+[”’」』)）》]*)?|[。!?！？]+[”’」』)）》]*")


class SentenceCursor:
    """The sentences of a whole text, found in one scan and handed out paragraph by paragraph.

    Equivalent to calling `sentence_spans` on each line, without a regex call per line.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans = [s for m in _ALL_CHUNKS.finditer(text) if (s := self._trim(*m.span()))]
        self.i = 0

    def _trim(self, a: int, b: int) -> tuple[int, int] | None:
        text = self.text
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        return (a, b) if a < b else None

    def take(self, end: int) -> list[tuple[int, int]]:
        """The next sentences that start before `end`; one that runs past `end` is cut there
        (a run-in heading's end) and its rest handed out next."""
        out: list[tuple[int, int]] = []
        spans = self.spans
        while self.i < len(spans) and spans[self.i][0] < end:
            a, b = spans[self.i]
            if b > end:
                left, right = self._trim(a, end), self._trim(end, b)
                if left:
                    out.append(left)
                if right:
                    spans[self.i] = right
                else:
                    self.i += 1
                break
            out.append((a, b))
            self.i += 1
        return out
