"""Normalized text of a report: cleaning, sentences and sections, with every edit on record.

`normalize_report` turns a raw (decoded) report into the text users and the fact extractor read:
full-width ASCII folded (`，`→`,` `％`→`%` `（）`→`()`; `。、“”《》` stay), markdown and HTML gone
(`PM<sub>2.5</sub>` → `PM2.5`), web chrome, newspaper page-break markers, scraper spam and
footnote markers removed, words cut by a page break joined (`乡村振兴取` + `得积极成效`),
lower-cased acronyms and lost `+` restored (`5g`→`5G`, `“9 2”`→`“9+2”`). Every change is an
`Edit` on the raw text, so `to_raw_offset` maps any normalized offset back: nothing is lost.

The text is then split into sentences (`text == normalized[char_start:char_end]`), each with
its paragraph, section path (`一、2023年… > (一)经济运行恢复向好,综合实力持续增强`) and section
role (`review`, `targets`, `tasks`, `other`).

The rules are data: `pipeline/data/noise.yaml` (cleaning) and `pipeline/data/headings.yaml`
(headings, roles, page-break joins); the stages are in `textclean.py`, `joins.py`, and the
sentences and sections in `sentences.py`, `sections.py`; `editlog.py` keeps the record.

Edit kinds: `markdown`, `html`, `chrome`, `page_break`, `spam`, `footnote_marker`, `width`,
`acronym`, `lost_plus`, `stray_english`, `whitespace`, `page_break_join`, `line_break_join`. Where a later stage
rewrote an earlier edit's replacement, the one edit carries both kinds (`width+whitespace`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from pipeline.lib.editlog import Edit, EditLog, OffsetMap
from pipeline.lib.joins import join_changes, wrap_changes
from pipeline.lib.sections import sectionize
from pipeline.lib.textclean import (
    MarkupHints,
    markup_changes,
    noise_changes,
    restore_changes,
    whitespace_changes,
    width_changes,
)
from schemas.tables import column_dtypes

__all__ = [
    "DOCUMENT_COLUMNS",
    "EDIT_COLUMNS",
    "SENTENCE_COLUMNS",
    "Edit",
    "NormalizedReport",
    "Sentence",
    "documents_rows",
    "edit_rows",
    "normalize_report",
    "sentence_rows",
    "to_raw_offset",
]

# Cleaning repeats until nothing changes (a removal can bring two blanks together or expose a
# new line start, as in `# - ✓ 标题`), so that normalizing the output again changes nothing.
# Real reports settle in two passes; the cap only bounds adversarial nesting.
MAX_PASSES = 50


@dataclass(frozen=True)
class Sentence:
    """A sentence of the normalized text.

    `section_path` names the headings above it (a heading's own path is its parents');
    `paragraph_id` counts lines: a list item, a heading line or a body paragraph.
    """

    sentence_id: int
    paragraph_id: int
    text: str
    char_start: int
    char_end: int
    section_path: str
    section_role: str
    is_heading: bool


@dataclass(frozen=True)
class NormalizedReport:
    """A report's normalized text, the edits that made it, its sentences and what its chrome told."""

    text: str
    edits: list[Edit]
    sentences: list[Sentence]
    metadata: dict[str, object] = field(default_factory=dict)

    @cached_property
    def offsets(self) -> OffsetMap:
        """The offset map between raw and normalized text (built once, from the edits)."""
        return OffsetMap(self.edits)


def normalize_report(
    raw_text: str,
    report_type: str | None = None,
    *,
    review_year: int | None = None,
    plan_year: int | None = None,
) -> NormalizedReport:
    """Normalize one decoded report.

    `report_type` (`work_report`, `plan_report`, `infographic`, `statistical_bulletin`) sets
    the role of text no heading decides (a bulletin's is `review`). `review_year` and
    `plan_year`, from the manifest or inferred metadata, tell an infographic's year parts
    apart: `2023` over the results is `review`, `2024` over the plan is `tasks`. Without them
    two year headings are taken as review (earlier) and plan (later) year; a lone year heading
    then decides nothing, so pass the years when they are known.

    Metadata: `publish_date` (a `datetime.date`) when the chrome has one (`发布日期 : 2024-02-06`).
    """
    log = EditLog(raw_text)
    hints: MarkupHints | None = None
    metadata: dict[str, object] = {}
    for _ in range(MAX_PASSES):
        changed = 0
        changes, found = markup_changes(log.text)
        hints = hints or found  # the first pass sees the raw text: its hints are raw offsets
        changed += log.apply(changes)
        changes, meta = noise_changes(log.text)
        for k, v in meta.items():
            metadata.setdefault(k, v)
        changed += log.apply(changes)
        changed += log.apply(width_changes(log.text))
        changed += log.apply(restore_changes(log.text))
        changed += log.apply(whitespace_changes(log.text))
        changed += log.apply(join_changes(log.text))
        changed += log.apply(wrap_changes(log.text))
        if not changed:
            break
    text = log.text
    offsets = OffsetMap(log.edits)
    md, bullets, bold = _hints_in_text(text, offsets, hints or MarkupHints())
    spans = sectionize(
        text,
        md_headings=md,
        bullets=bullets,
        bold_starts=bold,
        report_type=report_type,
        review_year=review_year,
        plan_year=plan_year,
    )
    sentences = [
        Sentence(i, s.paragraph_id, text[s.start : s.end], s.start, s.end, s.section_path, s.section_role, s.is_heading)
        for i, s in enumerate(spans)
    ]
    return NormalizedReport(text, log.edits, sentences, metadata)


def _hints_in_text(
    text: str, offsets: OffsetMap, hints: MarkupHints
) -> tuple[dict[int, int], set[int], dict[int, int]]:
    """Carry the markup hints (raw offsets) over to the paragraph starts of the normalized text."""

    def line_start(raw_offset: int) -> int:
        n = offsets.to_norm(raw_offset)
        return text.rfind("\n", 0, n) + 1

    md = {line_start(r): level for r, level in hints.md_headings}
    bullets = {line_start(r) for r in hints.bullets}
    bold: dict[int, int] = {}
    for a, b in hints.bold:
        na = offsets.to_norm(a)
        if line_start(a) == na:
            bold[na] = offsets.to_norm(b)
    return md, bullets, bold


def to_raw_offset(report: NormalizedReport, norm_offset: int) -> int:
    """The raw offset a normalized offset comes from (see `OffsetMap.to_raw`)."""
    return report.offsets.to_raw(norm_offset)


# -- published tables ----------------------------------------------------------------------------
# The published tables' columns, in their models' order: a stage file in another order is not
# streamed by validation but held in memory and written again.
DOCUMENT_COLUMNS = column_dtypes("documents")
SENTENCE_COLUMNS = column_dtypes("sentences")
EDIT_COLUMNS = column_dtypes("normalization_edits")


def documents_rows(report_id: str, r: NormalizedReport) -> list[dict]:
    """The `documents` row of a report: its normalized text and counts."""
    return [
        {
            "report_id": report_id,
            "text": r.text,
            "n_chars": len(r.text),
            "n_sentences": len(r.sentences),
            "n_edits": len(r.edits),
        }
    ]


def sentence_rows(report_id: str, r: NormalizedReport) -> list[dict]:
    """The `sentences` rows of a report, in order."""
    return [
        {
            "report_id": report_id,
            "sentence_id": s.sentence_id,
            "paragraph_id": s.paragraph_id,
            "text": s.text,
            "char_start": s.char_start,
            "char_end": s.char_end,
            "section_path": s.section_path,
            "section_role": s.section_role,
            "is_heading": s.is_heading,
        }
        for s in r.sentences
    ]


def edit_rows(report_id: str, r: NormalizedReport) -> list[dict]:
    """The `normalization_edits` rows of a report, numbered from 0 in text order."""
    return [
        {
            "report_id": report_id,
            "edit_id": i,
            "kind": e.kind,
            "raw_start": e.raw_start,
            "raw_end": e.raw_end,
            "raw_text": e.raw_text,
            "replacement": e.replacement,
            "norm_start": e.norm_start,
            "norm_end": e.norm_end,
        }
        for i, e in enumerate(r.edits)
    ]
