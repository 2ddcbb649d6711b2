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
    chrome_lines: re.Pattern[str] | None
    page_break: re.Pattern[str]
    spam: re.Pattern[str] | None
    footnote_marker: re.Pattern[str]
    acronym_spelling: dict[str, str]
    upper_tokens: list[tuple[re.Pattern[str], re.Pattern[str]]]
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
        md_heading=_at_line_start(mk["md_heading"]),
        md_bullet=_at_line_start(mk["md_bullet"]),
        md_bold=re.compile(mk["md_bold"]),
        md_quote=_at_line_start(mk["md_quote"]),
        md_rule=_at_line_start(mk["md_rule"]),
        md_link=re.compile(mk["md_link"]),
        chrome_lines=_chrome_pattern([str(p) for p in d.get("chrome_lines") or []]),
        page_break=re.compile(d["page_break"]),
        spam=re.compile(_alternation(spam)) if spam else None,
        footnote_marker=re.compile(d["footnote_marker"]),
        acronym_spelling={a.lower(): a for a in acronyms},
        upper_tokens=[(re.compile(u["token"]), re.compile(u["next"])) for u in d.get("upper_tokens") or []],
        lost_plus=re.compile(d["lost_plus"]),
        stray_english=re.compile(f" ({_alternation(list(stray))}) (?=[{_CJK}])") if stray else None,
        stray_english_map=stray,
    )


def _chrome_pattern(patterns: list[str]) -> re.Pattern[str] | None:
    """All chrome-line patterns as one whole-line alternation (one scan of the text).

    Named groups are suffixed with the pattern's index (`y__0`) so that two patterns may both
    capture a date; `_date_of` strips the suffix again.
    """
    if not patterns:
        return None
    alts = [re.sub(r"\(\?P<(\w+)>", lambda m, i=i: f"(?P<{m.group(1)}__{i}>", p) for i, p in enumerate(patterns)]
    body = "|".join(f"(?:{a})" for a in alts)
    return _at_line_start(f"^{_BLANK}*(?:{body}){_BLANK}*\\r?$")


def _at_line_start(pattern: str) -> re.Pattern[str]:
    """Compile a `^…` pattern as `\\n…`, to be run by `_line_matches` over `\\n` + text.

    A pattern that opens with a literal is found by a fast scan; `^` in multiline mode is
    tried at every offset, ten times slower on a long report.
    """
    if not pattern.startswith("^"):
        raise ValueError(f"a line pattern must start with ^: {pattern!r}")
    return re.compile("\\n" + pattern[1:], re.M)


class _LineMatch:
    """A match of a line pattern, with offsets in the text (not in `\\n` + text)."""

    __slots__ = ("m",)

    def __init__(self, m: re.Match[str]) -> None:
        self.m = m

    def start(self, g: int | str = 0) -> int:
        return max(self.m.start(g) - 1, 0) if g else self.m.start()

    def end(self, g: int | str = 0) -> int:
        return self.m.end(g) - 1

    def group(self, g: int | str = 0) -> str:
        return self.m.group(g)[1:] if not g else self.m.group(g)

    def groupdict(self) -> dict[str, str | None]:
        return self.m.groupdict()


def _line_matches(pattern: re.Pattern[str], text: str) -> list[_LineMatch]:
    """Matches of a line pattern (see `_at_line_start`) in `text`."""
    return [_LineMatch(m) for m in pattern.finditer("\n" + text)]


# A line that may open with a list or rule mark: the line-start markdown rules run only if one does.
_LINE_MARK = re.compile("\\n[ \\t\u3000\u00a0]*[-*+•·●○■□◆◇▪▶►✓✔☑_]")


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
        for m in _line_matches(r.md_heading, text):
            changes.append(Change(m.start(), m.end(), "", "markdown"))
            hints.md_headings.append((m.end(), len(m.group(1))))
    line_marks = _LINE_MARK.search("\n" + text) is not None
    if line_marks:
        for m in _line_matches(r.md_bullet, text):
            changes.append(Change(m.start(), m.end(), "", "markdown"))
            hints.bullets.append(m.end())
    if "**" in text or "__" in text:
        for m in r.md_bold.finditer(text):
            changes.append(Change(m.start(), m.start() + 2, "", "markdown"))
            changes.append(Change(m.end() - 2, m.end(), "", "markdown"))
            hints.bold.append((m.start() + 2, m.end() - 2))
    if ">" in text:
        changes += [Change(m.start(), m.end(), "", "markdown") for m in _line_matches(r.md_quote, text)]
    if line_marks:
        changes += [Change(m.start(), m.end(), "", "markdown") for m in _line_matches(r.md_rule, text)]
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
    if r.chrome_lines:
        for m in _line_matches(r.chrome_lines, text):
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
            if m.start() > 0 and text[m.start() - 1] != "\n":  # at a line start it is a label
                changes.append(Change(m.start(), m.end(), "", "footnote_marker"))
    return resolve_overlaps(changes), meta


def _date_of(m: _LineMatch) -> dt.date | None:
    groups = {k.split("__")[0]: v for k, v in m.groupdict().items() if v is not None}
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
# ASCII runs that hold a letter: found by their first letter (a fast scan of mostly Chinese
# text), then widened over the digits before it (`5g`, `3d`).
_ASCII_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z0-9]+)*")
_CJK_CHAR = re.compile(f"[{_CJK}]")


def restore_changes(text: str) -> list[Change]:
    """Restore what a scraper broke: acronym case, a lost `+`, stray English conjunctions.

    Acronyms are looked up token by token (one scan for ASCII runs, a dict lookup each: the
    text is mostly Chinese, so this is far cheaper than a case-blind alternation at every
    offset). A token inside an English phrase (`the project led by`) is left as it is.
    """
    r = rules()
    changes: list[Change] = []
    n = len(text)
    for m in _ASCII_TOKEN.finditer(text):
        s, e = m.start(), m.end()
        while s > 0 and "0" <= text[s - 1] <= "9":
            s -= 1
        tok = text[s:e]
        if tok.isupper():
            continue
        canon = r.acronym_spelling.get(tok.lower())
        if canon is None:
            nxt = text[e] if e < n else ""
            for token, follow in r.upper_tokens:
                if token.fullmatch(tok) and follow.match(nxt):
                    canon = tok.upper()
                    break
        if canon is None or canon == tok:
            continue
        if (s >= 2 and text[s - 1] == " " and text[s - 2].isascii() and text[s - 2].isalpha()) or (
            e + 1 < n and text[e] == " " and text[e + 1].isascii() and text[e + 1].isalpha()
        ):
            continue
        changes.append(Change(s, e, canon, "acronym"))
    if "“" in text or '"' in text:
        for m in r.lost_plus.finditer(text):
            plus = m.group(1).upper().replace(" ", "+")
            changes.append(Change(m.start(1), m.end(1), plus, "lost_plus"))
    if r.stray_english:
        for m in r.stray_english.finditer(text):
            if m.start() > 0 and _CJK_CHAR.match(text, m.start() - 1):
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
