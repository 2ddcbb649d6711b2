"""Normalized text of a report: cleaning, sentences and sections, with every edit on record.

Minimal first version of the interface (issue 3); the cleaning and section rules follow.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import asdict, dataclass, field

import polars as pl


@dataclass(frozen=True)
class Sentence:
    sentence_id: int
    paragraph_id: int
    text: str
    char_start: int
    char_end: int
    section_path: str
    section_role: str
    is_heading: bool


@dataclass(frozen=True)
class Edit:
    kind: str
    raw_start: int
    raw_end: int
    raw_text: str
    replacement: str
    norm_start: int
    norm_end: int


@dataclass(frozen=True)
class NormalizedReport:
    text: str
    edits: list[Edit]
    sentences: list[Sentence]
    metadata: dict[str, object] = field(default_factory=dict)


_FULLWIDTH = re.compile(r"[\uff01-\uff5e\u3000]+")
_SENTENCE = re.compile(r"[^\n]*?(?:[。!?]+[”’]?|$)")


def _fold(s: str) -> str:
    return "".join(" " if c == "\u3000" else chr(ord(c) - 0xFEE0) for c in s)


def normalize_report(
    raw_text: str,
    report_type: str | None = None,
    *,
    review_year: int | None = None,
    plan_year: int | None = None,
) -> NormalizedReport:
    """Minimal version: width folding only, sentences split on 。!? and line ends.

    `review_year`/`plan_year` (optional, from the manifest) help tell an infographic's year
    headings (`# 2024`) apart: review vs plan.
    """
    out: list[str] = []
    edits: list[Edit] = []
    pos = 0
    n = 0
    for m in _FULLWIDTH.finditer(raw_text):
        out.append(raw_text[pos : m.start()])
        n += m.start() - pos
        rep = _fold(m.group())
        edits.append(Edit("width", m.start(), m.end(), m.group(), rep, n, n + len(rep)))
        out.append(rep)
        n += len(rep)
        pos = m.end()
    out.append(raw_text[pos:])
    text = "".join(out)
    sentences: list[Sentence] = []
    para = -1
    line_start = 0
    for line in text.split("\n"):
        if line.strip():
            para += 1
            for m in _SENTENCE.finditer(line):
                s, e = m.start(), m.end()
                while s < e and line[s].isspace():
                    s += 1
                while e > s and line[e - 1].isspace():
                    e -= 1
                if s < e:
                    sentences.append(
                        Sentence(len(sentences), para, line[s:e], line_start + s, line_start + e,
                                 "", "other", False)
                    )
        line_start += len(line) + 1
    return NormalizedReport(text, edits, sentences, {})


def to_raw_offset(report: NormalizedReport, norm_offset: int) -> int:
    """Map an offset of the normalized text back to the raw text, through the edits."""
    starts = [e.norm_start for e in report.edits]
    i = bisect.bisect_right(starts, norm_offset) - 1
    if i < 0:
        return norm_offset
    e = report.edits[i]
    if norm_offset < e.norm_end:
        return e.raw_start + min(norm_offset - e.norm_start, e.raw_end - e.raw_start)
    return e.raw_end + (norm_offset - e.norm_end)


DOCUMENT_COLUMNS: dict[str, pl.DataType] = {
    "report_id": pl.Utf8(),
    "text": pl.Utf8(),
    "n_chars": pl.Int64(),
    "n_sentences": pl.Int64(),
    "n_edits": pl.Int64(),
}
SENTENCE_COLUMNS: dict[str, pl.DataType] = {
    "report_id": pl.Utf8(),
    "sentence_id": pl.Int64(),
    "paragraph_id": pl.Int64(),
    "text": pl.Utf8(),
    "char_start": pl.Int64(),
    "char_end": pl.Int64(),
    "section_path": pl.Utf8(),
    "section_role": pl.Utf8(),
    "is_heading": pl.Boolean(),
}
EDIT_COLUMNS: dict[str, pl.DataType] = {
    "report_id": pl.Utf8(),
    "edit_id": pl.Int64(),
    "kind": pl.Utf8(),
    "raw_start": pl.Int64(),
    "raw_end": pl.Int64(),
    "raw_text": pl.Utf8(),
    "replacement": pl.Utf8(),
    "norm_start": pl.Int64(),
    "norm_end": pl.Int64(),
}


def documents_rows(report_id: str, r: NormalizedReport) -> list[dict]:
    return [{"report_id": report_id, "text": r.text, "n_chars": len(r.text),
             "n_sentences": len(r.sentences), "n_edits": len(r.edits)}]


def sentence_rows(report_id: str, r: NormalizedReport) -> list[dict]:
    return [{"report_id": report_id, **asdict(s)} for s in r.sentences]


def edit_rows(report_id: str, r: NormalizedReport) -> list[dict]:
    return [{"report_id": report_id, "edit_id": i, **asdict(e)} for i, e in enumerate(r.edits)]
