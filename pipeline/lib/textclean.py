"""Cleaning rules for raw report text, as stages of `Change`s (see `editlog.py`).

Each stage looks at the text the previous stage left and proposes changes; nothing here edits a
string in place, so every removal and restoration ends up in the edit record. What counts as
noise is data (`pipeline/data/noise.yaml`): spam strings, chrome lines, page-break markers,
acronyms. The code only knows the *kinds* of rule.

Stages, in order (`STAGES`):
1. `markup_changes`  — HTML tags and entities, markdown marks (`## `, `**`, `- ✓ `); the
   structure they carried is returned as `MarkupHints` (heading levels, list items, bold runs).
2. `noise_changes`   — web chrome lines (a `发布日期` among them becomes metadata), newspaper
   page-break markers `(上接第一版)`, spam strings `4399在线游戏的`, footnote markers `[1]`.
3. `width_changes`   — full-width ASCII forms folded: `，`→`,` `％`→`%` `（`→`(` `５`→`5`.
   Chinese punctuation with no ASCII twin (`。、“”《》`) stays.
4. `restore_changes` — lower-cased acronyms (`5g`→`5G`), a lost `+` (`“9 2”`→`“9+2”`),
   stray English (`保护 and 运用`→`保护和运用`).
5. `whitespace_changes` — one canonical form: no blanks at line ends, single spaces, lines
   separated by `\\n` and blank-line breaks kept as exactly one blank line.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from pipeline.lib.editlog import Change, resolve_overlaps

NOISE_FILE = Path(__file__).resolve().parents[1] / "data" / "noise.yaml"

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"


@dataclass
class MarkupHints:
    """Structure that markup carried, in offsets of the text the markup stage saw."""

    md_headings: list[tuple[int, int]] = field(default_factory=list)  # (text start, level)
    bullets: list[int] = field(default_factory=list)  # list item text start
    bold: list[tuple[int, int]] = field(default_factory=list)  # bold run [start, end)


@dataclass(frozen=True)
class NoiseRules:
    html_tag: re.Pattern[str]
    html_block_tags: frozenset[str]
    html_entity: re.Pattern[str]
    md_heading: re.Pattern[str]
    md_bullet: re.Pattern[str]
    md_bold: re.Pattern[str]
    md_quote: re.Pattern[str]
    md_rule: re.Pattern[str]
    md_link: re.Pattern[str]
    chrome_lines: list[re.Pattern[str]]
    page_break: re.Pattern[str]
    spam: re.Pattern[str] | None
    footnote_marker: re.Pattern[str]
    acronyms: re.Pattern[str] | None
    acronym_spelling: dict[str, str]
    upper_patterns: list[re.Pattern[str]]
    lost_plus: re.Pattern[str]
    stray_english: re.Pattern[str] | None
    stray_english_map: dict[str, str]


_BLANK = "[ \\t\\u3000\\u00a0]"


def _alternation(words: list[str]) -> str:
    """`a|b|c` of escaped words, longest first so that `PM2.5` wins over `PM2`."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@cache
def rules() -> NoiseRules:
    """The cleaning rules of `noise.yaml`, compiled once per process."""
    d = yaml.safe_load(NOISE_FILE.read_text(encoding="utf-8"))
    mk = d["markup"]
    acronyms = [str(a) for a in d.get("acronyms") or []]
    stray = {str(k): str(v) for k, v in (d.get("stray_english") or {}).items()}
    spam = [str(s) for s in d.get("spam") or [] if s]
    return NoiseRules(
        html_tag=re.compile(mk["html_tag"]),
        html_block_tags=frozenset(t.lower() for t in mk["html_block_tags"]),
        html_entity=re.compile(mk["html_entity"]),
        md_heading=re.compile(mk["md_heading"], re.M),
        md_bullet=re.compile(mk["md_bullet"], re.M),
        md_bold=re.compile(mk["md_bold"]),
        md_quote=re.compile(mk["md_quote"], re.M),
        md_rule=re.compile(mk["md_rule"], re.M),
        md_link=re.compile(mk["md_link"]),
        chrome_lines=[re.compile(f"^{_BLANK}*(?:{p}){_BLANK}*\\r?$", re.M) for p in d.get("chrome_lines") or []],
        page_break=re.compile(d["page_break"]),
        spam=re.compile(_alternation(spam)) if spam else None,
        footnote_marker=re.compile(d["footnote_marker"]),
        # An acronym is restored only inside Chinese text, never inside an English phrase
        # (`the project led by` keeps its `led`): no letter, digit or `␣word` on either side.
        acronyms=re.compile(
            f"(?<![A-Za-z0-9])(?<![A-Za-z] )(?:{_alternation(acronyms)})(?![A-Za-z0-9])(?! [A-Za-z])",
            re.I,
        )
        if acronyms
        else None,
        acronym_spelling={a.lower(): a for a in acronyms},
        upper_patterns=[re.compile(p) for p in d.get("upper_patterns") or []],
        lost_plus=re.compile(d["lost_plus"]),
        stray_english=re.compile(f"(?<=[{_CJK}]) ({_alternation(list(stray))}) (?=[{_CJK}])") if stray else None,
        stray_english_map=stray,
    )


# -- 1. markup -------------------------------------------------------------------------------------
def markup_changes(text: str) -> tuple[list[Change], MarkupHints]:
    """Remove HTML and markdown marks; keep what they said about structure as hints."""
    r = rules()
    hints = MarkupHints()
    changes: list[Change] = []
    if "<" in text:
        for m in r.html_tag.finditer(text):
            name = re.match(r"</?([A-Za-z][A-Za-z0-9]*)", m.group()).group(1).lower()  # type: ignore[union-attr]
            changes.append(Change(m.start(), m.end(), "\n" if name in r.html_block_tags else "", "html"))
    if "&" in text:
        for m in r.html_entity.finditer(text):
            rep = html.unescape(m.group()).replace("\xa0", " ")
            if rep != m.group():
                changes.append(Change(m.start(), m.end(), rep, "html"))
    if "#" in text:
        for m in r.md_heading.finditer(text):
            changes.append(Change(m.start(), m.end(), "", "markdown"))
            hints.md_headings.append((m.end(), len(m.group(1))))
    for m in r.md_bullet.finditer(text):
        changes.append(Change(m.start(), m.end(), "", "markdown"))
        hints.bullets.append(m.end())
    if "**" in text or "__" in text:
        for m in r.md_bold.finditer(text):
            changes.append(Change(m.start(), m.start() + 2, "", "markdown"))
            changes.append(Change(m.end() - 2, m.end(), "", "markdown"))
            hints.bold.append((m.start() + 2, m.end() - 2))
    if ">" in text:
        changes += [Change(m.start(), m.end(), "", "markdown") for m in r.md_quote.finditer(text)]
    for m in r.md_rule.finditer(text):
        changes.append(Change(m.start(), m.end(), "", "markdown"))
    if "](" in text:
        for m in r.md_link.finditer(text):
            changes.append(Change(m.start(), m.end(), m.group(1) or "", "markdown"))
    return resolve_overlaps(changes), hints


# -- 2. noise --------------------------------------------------------------------------------------
def noise_changes(text: str) -> tuple[list[Change], dict[str, object]]:
    """Remove chrome lines, page-break markers, spam and footnote markers.

    A chrome line goes with the line break before it, so no blank line is left where it stood
    and the blanks around stay the whitespace stage's own edit. A
    publication date found in a chrome line is returned as metadata: `发布日期 : 2024-02-06`
    → `{"publish_date": date(2024, 2, 6)}`.
    """
    r = rules()
    meta: dict[str, object] = {}
    changes: list[Change] = []
    for pat in r.chrome_lines:
        for m in pat.finditer(text):
            if "\n" in m.group() or not m.group().strip():
                continue
            start, end = m.start(), m.end()
            if start > 0 and text[start - 1] == "\n":
                start -= 1
            elif end < len(text) and text[end] == "\n":
                end += 1
            changes.append(Change(start, end, "", "chrome"))
            date = _date_of(m)
            if date and "publish_date" not in meta:
                meta["publish_date"] = date
    for m in r.page_break.finditer(text):
        changes.append(Change(m.start(), m.end(), "", "page_break"))
    if r.spam:
        changes += [Change(m.start(), m.end(), "", "spam") for m in r.spam.finditer(text)]
    if "[" in text or "［" in text:
        for m in r.footnote_marker.finditer(text):
            changes.append(Change(m.start(), m.end(), "", "footnote_marker"))
    return resolve_overlaps(changes), meta


def _date_of(m: re.Match[str]) -> dt.date | None:
    groups = m.groupdict()
    try:
        if groups.get("publish_date"):
            return dt.date.fromisoformat(groups["publish_date"])
        if groups.get("y") and groups.get("m") and groups.get("d"):
            return dt.date(int(groups["y"]), int(groups["m"]), int(groups["d"]))
    except ValueError:
        return None
    return None


# -- 3. width --------------------------------------------------------------------------------------
_FULLWIDTH = re.compile("[\uff01-\uff5e]+")
_FOLD = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}


def width_changes(text: str) -> list[Change]:
    """Fold full-width ASCII forms (U+FF01–FF5E) to ASCII: `１５７６０．３４亿元` → `15760.34亿元`.

    The ideographic space U+3000 is whitespace and is left to `whitespace_changes`.
    """
    return [Change(m.start(), m.end(), m.group().translate(_FOLD), "width") for m in _FULLWIDTH.finditer(text)]


# -- 4. restorations -------------------------------------------------------------------------------
def restore_changes(text: str) -> list[Change]:
    """Restore what a scraper broke: acronym case, a lost `+`, stray English conjunctions."""
    r = rules()
    changes: list[Change] = []
    if r.acronyms:
        for m in r.acronyms.finditer(text):
            canon = r.acronym_spelling[m.group().lower()]
            if canon != m.group():
                changes.append(Change(m.start(), m.end(), canon, "acronym"))
    for pat in r.upper_patterns:
        for m in pat.finditer(text):
            if m.group().upper() != m.group():
                changes.append(Change(m.start(), m.end(), m.group().upper(), "acronym"))
    if "“" in text or '"' in text:
        for m in r.lost_plus.finditer(text):
            changes.append(Change(m.start(), m.end(), m.group().upper().replace(" ", "+"), "lost_plus"))
    if r.stray_english:
        for m in r.stray_english.finditer(text):
            changes.append(Change(m.start(), m.end(), r.stray_english_map[m.group(1)], "stray_english"))
    return resolve_overlaps(changes)


# -- 5. whitespace ---------------------------------------------------------------------------------
# Every character Python calls whitespace (str.isspace) is here, plus invisible ones (zero-width
# spaces, BOM, soft hyphen, C0 controls) that would otherwise hide inside "words".
_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_SPACES = " \t\x1f\xa0\u1680\u2000-\u200a\u202f\u205f\u3000"
_INVISIBLE = "\x00-\x08\x0e-\x1b\x7f\u00ad\u180e\u200b-\u200d\u2060\ufeff"
_WS_RUN = re.compile(f"[{_LINE_BREAKS}{_SPACES}{_INVISIBLE}]+")
_BREAK = re.compile(f"\r\n|[{_LINE_BREAKS}]")
_SPACE = re.compile(f"[{_SPACES}]")


def whitespace_changes(text: str) -> list[Change]:
    """Give every run of blanks its canonical form.

    Runs at the text's ends vanish; a run holding two or more line breaks is one blank line
    (`\\n\\n`, a paragraph break as the source drew it); one line break is `\\n` (blanks
    around it go); otherwise one space, or nothing for invisible characters only.
    """
    changes: list[Change] = []
    n = len(text)
    for m in _WS_RUN.finditer(text):
        s, e, run = m.start(), m.end(), m.group()
        if s == 0 or e == n:
            rep = ""
        else:
            if run == " " or run == "\n":
                continue
            breaks = len(_BREAK.findall(run))
            if breaks >= 2:
                rep = "\n\n"
            elif breaks == 1:
                rep = "\n"
            else:
                rep = " " if _SPACE.search(run) else ""
        if rep != run:
            changes.append(Change(s, e, rep, "whitespace"))
    return changes
