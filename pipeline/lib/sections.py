"""Headings, section paths and section roles of a normalized report; paragraph joins.

The heading systems and role words are data (`pipeline/data/headings.yaml`). A report is read
line by line, as a reader does: a line that opens with a marker (`一、` `(一)` `一是` `1.`), a
markdown heading, a bold run-in (`**大力实施消费扩容升级行动。**`), a year of an infographic
(`2024`) or a short unpunctuated title line is a heading; the others are body paragraphs.
Each heading closes the headings of its own system and of the systems opened after it, so
nesting follows the order in which the report uses its systems.

Joins of paragraphs that a page break cut are in `joins.py`; they use the same heading rules.

Roles (`review`, `targets`, `tasks`, `other`) come from a part's heading words (`2023年工作回顾`,
`重点任务`, `主要预期目标`), from a year heading compared with the report's review and plan
years, and from paragraph openings (`主要预期目标是:`). See the YAML for the reasons.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import NamedTuple

import yaml

from pipeline.lib.sentences import (
    Paragraph,
    SentenceCursor,
    first_sentence_end,
    paragraphs,
)

HEADINGS_FILE = Path(__file__).resolve().parents[1] / "data" / "headings.yaml"
ROLES = ("review", "targets", "tasks", "other")


@dataclass(frozen=True)
class HeadingSystem:
    name: str
    pattern: re.Pattern[str]
    part: bool
    top: bool


@dataclass(frozen=True)
class HeadingRules:
    systems: list[HeadingSystem]
    any_marker: re.Pattern[str]
    top_systems: frozenset[str]
    max_heading_chars: int
    max_runin_chars: int
    max_title_chars: int
    heading_rejects: re.Pattern[str]
    role_keywords: dict[str, re.Pattern[str]]
    paragraph_targets: re.Pattern[str]
    paragraph_other: re.Pattern[str]
    targets_list_item: re.Pattern[str]
    footnote_definition: re.Pattern[str]
    notes_opening: re.Pattern[str]
    implicit_first_part_role: str
    default_roles: dict[str, str]
    join_first_ends: re.Pattern[str]
    join_second_starts: re.Pattern[str]
    wrap_joins: tuple[tuple[str, str], ...]  # (before, after) patterns, `UNIT` still in them (see joins.py)


@cache
def rules() -> HeadingRules:
    """The heading rules of `headings.yaml`, compiled once per process."""
    d = yaml.safe_load(HEADINGS_FILE.read_text(encoding="utf-8"))
    return HeadingRules(
        systems=[
            HeadingSystem(s["name"], re.compile(s["pattern"]), bool(s.get("part")), bool(s.get("top")))
            for s in d["systems"]
        ],
        any_marker=re.compile("|".join(f"(?:{s['pattern']})" for s in d["systems"])),
        top_systems=frozenset(s["name"] for s in d["systems"] if s.get("top")),
        max_heading_chars=int(d["max_heading_chars"]),
        max_runin_chars=int(d["max_runin_chars"]),
        max_title_chars=int(d["max_title_chars"]),
        heading_rejects=re.compile(d["heading_rejects"]),
        role_keywords={
            role: re.compile("|".join(re.escape(w) for w in words)) for role, words in d["role_keywords"].items()
        },
        paragraph_targets=re.compile(d["paragraph_roles"]["targets"]),
        paragraph_other=re.compile(d["paragraph_roles"]["other"]),
        targets_list_item=re.compile(d["targets_list_item"]),
        footnote_definition=re.compile(d["footnote_definition"]),
        notes_opening=re.compile(d["notes_opening"]),
        implicit_first_part_role=str(d["implicit_first_part_role"]),
        default_roles={str(k): str(v) for k, v in (d.get("default_roles") or {}).items()},
        join_first_ends=re.compile(d["join"]["first_ends"]),
        join_second_starts=re.compile(d["join"]["second_starts"]),
        wrap_joins=tuple((str(j["before"]), str(j["after"])) for j in d["wrap_joins"]),
    )


def marker_of(line: str) -> tuple[HeadingSystem, re.Match[str]] | None:
    """The heading system whose marker opens `line`, if any (`(一)…` → paren_cn)."""
    r = rules()
    if not r.any_marker.match(line):  # most lines are body text: one test settles them
        return None
    for system in r.systems:
        m = system.pattern.match(line)
        if m:
            return system, m
    return None


_TITLE_PUNCT = re.compile(r"[。!?;；！？]|[,:、，：]$")
_WORDY = re.compile(r"[\u4e00-\u9fffA-Za-z].*[\u4e00-\u9fffA-Za-z]")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_HEADING_TAIL = re.compile(r"[。.!?:;,，：；！？”’]*")
_TRAILING_PUNCT = re.compile(r"[。.!?:;,，：；！？\s]+$")


# -- headings and roles ----------------------------------------------------------------------------
class SentenceSpan(NamedTuple):
    """A sentence of the normalized text with its place in the report's sections."""

    start: int
    end: int
    paragraph_id: int
    section_path: str
    section_role: str
    is_heading: bool


@dataclass
class _Open:
    """A heading whose section is still open."""

    key: str
    title: str
    role: str
    explicit: bool
    has_marker: bool
    md_level: int | None
    sentence_ids: list[int] = field(default_factory=list)

    @property
    def is_title(self) -> bool:
        """The report's own title (`政府工作报告`, `关于…的报告`): other by its words, unnumbered."""
        return self.role == "other" and self.explicit and not self.has_marker


# A sentence while its section is being worked out: [start, end, paragraph_id, path, role,
# explicit, is_heading] (a list: a continuation title or an implicit part may change its role).
_Out = list


def sectionize(
    text: str,
    *,
    md_headings: dict[int, int] | None = None,
    bullets: set[int] | None = None,
    bold_starts: dict[int, int] | None = None,
    report_type: str | None = None,
    review_year: int | None = None,
    plan_year: int | None = None,
) -> list[SentenceSpan]:
    """Split a normalized text into sentences and give each its section path and role.

    The markup hints are keyed by paragraph start: `md_headings` {start: level} for `## …`
    lines, `bullets` the starts of list items, `bold_starts` {start: end of the bold run} for
    a paragraph that opens in bold. `review_year`/`plan_year` tell an infographic's year parts
    apart (`2023` → review, `2024` → tasks); without them, two year headings are read as
    review (the earlier) and plan (the later) year.
    """
    r = rules()
    md_headings = md_headings or {}
    bullets = bullets or set()
    bold_starts = bold_starts or {}
    default_role = r.default_roles.get(report_type or "", "other")
    paras = list(paragraphs(text))
    if review_year is None and plan_year is None:
        years = sorted(
            {int(m.group(1)) for p in paras if p.end - p.start <= 8 and (m := _year_heading(text[p.start : p.end]))}
        )
        if len(years) >= 2:
            review_year, plan_year = years[0], years[-1]
    stack: list[_Open] = []
    out: list[_Out] = []
    first_part: tuple[int, bool] | None = None
    prev_was_heading = False
    targets_list = False

    cursor = SentenceCursor(text)

    def emit(s: int, e: int, pid: int, path: str, role: str, explicit: bool, heading: bool) -> list[int]:
        n = len(out)
        out.extend([a, b, pid, path, role, explicit, heading] for a, b in cursor.take(e))
        return list(range(n, len(out)))

    path = ""
    in_notes = False
    for pid, p in enumerate(paras):
        line = text[p.start : p.end]
        if r.notes_opening.match(line) or (in_notes and not _opens_part(line, p.start in md_headings)):
            # `注:` and the numbered notes under it: outside the sections, role other.
            in_notes, prev_was_heading, targets_list = True, False, False
            emit(p.start, p.end, pid, "", "other", True, False)
            continue
        in_notes = False
        if targets_list and (p.start in bullets or r.targets_list_item.match(line)):
            # `1.地区生产总值增长6%左右;` after `主要预期目标是:`: an item, never a heading.
            prev_was_heading = False
            emit(p.start, p.end, pid, path, "targets", True, False)
            continue
        targets_list = False
        kind, head_end, key, has_marker, part_ordinal = _classify(
            line, p, md_headings, bullets, bold_starts, prev_was_heading, r
        )
        if kind == "continuation" and stack:
            top = stack[-1]
            parent_path = " > ".join(o.title for o in stack[:-1])
            top.sentence_ids += emit(p.start, p.end, pid, parent_path, top.role, top.explicit, True)
            top.title = f"{top.title} {_TRAILING_PUNCT.sub('', line)}"
            path = " > ".join(o.title for o in stack)
            parent = stack[-2] if len(stack) > 1 else None
            role, explicit = _heading_role(top.title, top.has_marker, parent, default_role, review_year, plan_year)
            if role != top.role and not top.explicit:
                top.role, top.explicit = role, explicit
                for i in top.sentence_ids:
                    out[i][4], out[i][5] = role, explicit
            prev_was_heading = True
            continue
        if kind in ("heading", "runin"):
            head_end = p.end if kind == "heading" else p.start + head_end
            title = _TRAILING_PUNCT.sub("", text[p.start : head_end]) or text[p.start : head_end]
            _close(stack, key, md_headings.get(p.start))
            path = " > ".join(o.title for o in stack)
            parent = stack[-1] if stack else None
            role, explicit = _heading_role(title, has_marker, parent, default_role, review_year, plan_year)
            if part_ordinal is not None and first_part is None:
                first_part = (len(out), part_ordinal)
            ids = emit(p.start, head_end, pid, path, role, explicit, True)
            stack.append(_Open(key, title, role, explicit, has_marker, md_headings.get(p.start), ids))
            path = f"{path} > {title}" if path else title
            if head_end < p.end:
                emit(head_end, p.end, pid, path, role, False, False)
            prev_was_heading = kind == "heading"
            continue
        prev_was_heading = False
        if kind == "footnote":
            emit(p.start, p.end, pid, "", "other", True, False)
            continue
        # Text under the report's own title (a preamble, a bulletin's summary) has the default role.
        role = stack[-1].role if stack and not stack[-1].is_title else default_role
        explicit = False
        if r.paragraph_targets.match(line):
            role, explicit = "targets", True
            targets_list = line.endswith(":")
        elif r.paragraph_other.match(line):
            role, explicit = "other", True
        emit(p.start, p.end, pid, path, role, explicit, False)

    if first_part is not None and not first_part[1]:
        for o in out[: first_part[0]]:
            if o[4] in ("other", default_role) and not o[5]:
                o[4] = r.implicit_first_part_role
    return [SentenceSpan(o[0], o[1], o[2], o[3], o[4], o[6]) for o in out]


def _opens_part(line: str, is_md_heading: bool) -> bool:
    """Whether a line opens a new part of the report (what ends a notes block)."""
    mk = marker_of(line)
    return is_md_heading or (mk is not None and (mk[0].part or mk[0].top))


def _year_heading(line: str) -> re.Match[str] | None:
    for system in rules().systems:
        if system.top:
            m = system.pattern.match(line)
            if m:
                return m
    return None


def _classify(
    line: str,
    p: Paragraph,
    md_headings: dict[int, int],
    bullets: set[int],
    bold_starts: dict[int, int],
    prev_was_heading: bool,
    r: HeadingRules,
) -> tuple[str, int, str, bool, bool | None]:
    """What a paragraph is: (kind, heading end within the line, stack key, has a marker,
    whether it opens the report's parts with number one — None when it is not a part heading).

    kind is `heading` (the whole line), `runin` (a heading sentence, then body), `continuation`
    (a second title line of the heading above), `footnote` or `body`.
    """
    n = len(line)
    if r.footnote_definition.match(line):
        return "footnote", 0, "", False, None
    if p.start in bullets:
        return "body", 0, "", False, None
    mk = marker_of(line)
    part_ordinal = (mk[1].group(1) in ("一", "1")) if mk and mk[0].part else None
    if p.start in md_headings:
        level = md_headings[p.start]
        return "heading", n, f"md{level}", mk is not None, part_ordinal
    if p.start in bold_starts:
        end = bold_starts[p.start] - p.start
        m = _HEADING_TAIL.match(line, end)
        end = m.end() if m else end
        if not r.heading_rejects.search(line[:end]) and end <= r.max_heading_chars:
            return ("heading" if end >= n else "runin"), end, "bold", mk is not None, part_ordinal
    if mk:
        system, m = mk
        first = first_sentence_end(line)
        if system.top:
            return ("heading", n, system.name, True, None) if m.end() == n else ("body", 0, "", False, None)
        if first is None:
            if n <= r.max_heading_chars and not r.heading_rejects.search(line):
                return "heading", n, system.name, True, part_ordinal
            return "body", 0, "", False, None
        if first <= r.max_runin_chars and not r.heading_rejects.search(line[:first]):
            return ("heading" if first >= n else "runin"), first, system.name, True, part_ordinal
        return "body", 0, "", False, None
    if (
        n <= r.max_title_chars
        and not _TITLE_PUNCT.search(line)
        and _WORDY.search(line)
        and not r.heading_rejects.search(line)
    ):
        if prev_was_heading and not p.blank_before:
            return "continuation", n, "", False, None
        return "heading", n, "plain", False, None
    return "body", 0, "", False, None


def _close(stack: list[_Open], key: str, md_level: int | None) -> None:
    """Close the sections a new heading ends (in place)."""
    if key in rules().top_systems:
        stack.clear()
        return
    if md_level is not None:
        while stack and (stack[-1].md_level is None or stack[-1].md_level >= md_level):
            stack.pop()
        return
    if key == "plain":
        for i in range(len(stack) - 1, -1, -1):
            if stack[i].key == "plain":
                del stack[i:]
                return
        return
    # A numbered or bold heading is never the child of a plain title line or of the report's
    # own title (`# 政府工作报告`): those name the document, not a section.
    while stack and (stack[-1].key == "plain" or stack[-1].is_title):
        stack.pop()
    for i in range(len(stack) - 1, -1, -1):
        if stack[i].key == key:
            del stack[i:]
            return


def _heading_role(
    title: str,
    has_marker: bool,
    parent: _Open | None,
    default_role: str,
    review_year: int | None,
    plan_year: int | None,
) -> tuple[str, bool]:
    """The role a heading gives its section, and whether its own words decided it."""
    kw = rules().role_keywords
    is_review = bool(kw["review"].search(title))
    if kw["targets"].search(title) and not is_review:
        return "targets", True
    parent_role = parent.role if parent else None
    if parent_role not in (None, "other"):
        return parent_role, False
    if not has_marker and kw["other"].search(title):
        return "other", True
    if is_review:
        return "review", True
    if kw["tasks"].search(title):
        return "tasks", True
    for m in _YEAR.finditer(title):
        year = int(m.group(1))
        if year == review_year:
            return "review", True
        if year == plan_year:
            return "tasks", True
    return parent_role or default_role, False
