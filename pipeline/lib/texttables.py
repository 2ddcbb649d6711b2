"""Tables written as text: a header line of cells split by spaces, then one line per indicator.

A plan report often gives its main indicators as a table that lost its borders on the way to
text (表1 2022年主要经济指标完成情况 / 指标 单位 2022年 增长% / 地区生产总值 亿元 812.6 5.1 / …).
Read as prose, such a row has no predicate and its numbers run together; read as a table, each
cell says what it is. This module finds the tables and their columns; `facts.py` turns their
rows into facts. The header words are data (`table_columns` in extraction.yaml).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.lib.lexicon import load_lexicon

_CELL = re.compile(r"[^\s|]+")  # cells are split by spaces (ASCII or ideographic), tabs or |
_YEAR = re.compile(r"((?:19|20)\d{2})年")
_NUM = r"[-−+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
# A number cell: a bound sign before it (≥7), a % after it, a range (6.5—7), a bound word (7左右).
_NUMBER_CELL = re.compile(rf"^(?P<sign>[≥≤<>])?(?P<low>{_NUM})(?P<pct>%)?"
                          rf"(?:\s*[—–~至到-]\s*(?P<high>{_NUM})%?)?(?P<rest>.*)$")
_TRAILING_BRACKET = re.compile(r"\(([^()]*)\)$")


@dataclass(frozen=True)
class Number:
    """A number cell as written: `low` (and `high` for a range), commas gone."""

    low: str
    high: str | None
    percent: bool  # written with %
    sign: str  # a bound sign before it: ≥ ≤ < >, or ""
    rest: str  # what follows: 左右, 以上…


@dataclass(frozen=True)
class Column:
    """What a header cell says its column holds."""

    kind: str  # name | unit | value | growth
    year: int | None = None
    status: str | None = None  # "target" or "estimate" when the header says so


@dataclass(frozen=True)
class Cell:
    start: int  # offsets in the row's text
    end: int
    text: str


@dataclass(frozen=True)
class Row:
    """One row of a table: its cells aligned with its header's columns."""

    columns: tuple[Column, ...]
    cells: tuple[Cell, ...]

    def cell(self, kind: str) -> Cell | None:
        return next((c for col, c in zip(self.columns, self.cells, strict=True) if col.kind == kind), None)

    def name(self) -> str:
        """The indicator the row is about, without spaces, a lead-in or a bracket (其中: 工业投资 ->
        工业投资; 居民消费价格指数(上年=100) -> 居民消费价格指数)."""
        return _TRAILING_BRACKET.sub("", self._name())

    def name_bracket(self) -> str:
        """What a bracket after the name says (地区生产总值(亿元) -> 亿元: a unit, when no column has it)."""
        m = _TRAILING_BRACKET.search(self._name())
        return m.group(1) if m else ""

    def _name(self) -> str:
        cell = self.cell("name")
        return "" if cell is None else re.sub(r"\s+", "", cell.text).rsplit(":", 1)[-1]


def cells(text: str) -> list[Cell]:
    return [Cell(m.start(), m.end(), m.group()) for m in _CELL.finditer(text)]


def header(text: str) -> tuple[Column, ...] | None:
    """The columns a header line names, or None when the line is no table header."""
    lex = load_lexicon()
    first = _CELL.search(text)
    if first is None or not lex.table_columns["name"].fullmatch(first.group()):
        return None  # the first cell names the rows (cheap: most lines are no header)
    columns = []
    for cell in cells(text):
        kind = next((k for k, p in lex.table_columns.items() if p.fullmatch(cell.text)), None)
        if kind is None:
            return None
        year = _YEAR.search(cell.text)
        status = ("target" if lex.table_target_re.search(cell.text)
                  else "estimate" if lex.table_estimate_re.search(cell.text) else None)
        columns.append(Column(kind, int(year.group(1)) if year else None, status))
    kinds = [c.kind for c in columns]
    if len(columns) < 3 or kinds[0] != "name" or not ({"value", "growth"} & set(kinds)):
        return None
    # a growth column that names no year is of the latest value column (2023年目标 增长%: a goal;
    # 2023年 2022年 增长%: 2023's growth), else of the value column before it
    values = [c for c in columns if c.kind == "value"]
    dated = [c for c in values if c.year is not None]
    for i, col in enumerate(columns):
        if col.kind == "growth" and col.year is None and col.status is None:
            before = max(dated, key=lambda c: c.year) if dated else next(
                (c for c in reversed(columns[:i]) if c.kind == "value"), None)
            if before is not None:
                columns[i] = Column("growth", before.year, before.status)
    return tuple(columns)


def number_cell(text: str) -> Number | None:
    """The number a cell holds (`7左右`, `15,760.34`, `6.5—7`, `≥7`, `5.9%`), or None."""
    m = _NUMBER_CELL.match(text)
    if m is None:
        return None

    def plain(x: str | None) -> str | None:
        return None if x is None else x.replace(",", "").replace("−", "-")

    return Number(plain(m.group("low")), plain(m.group("high")), bool(m.group("pct")), m.group("sign") or "",
                  m.group("rest"))


def table_rows(sentences: list, text: str) -> dict[int, Row]:
    """The rows of every text table of a report (`sentences` of its normalized `text`), by the
    index of their sentence.

    A table is a header line followed by lines of as many cells (the name may hold spaces: the
    first cells are joined then) whose value cells are numbers or a no-data mark; it ends at the
    first line that is not such a row.
    """
    lex = load_lexicon()
    out: dict[int, Row] = {}
    if not _may_have_header(text, lex.table_name_words):
        return out  # most reports have no table
    columns: tuple[Column, ...] | None = None
    for i, s in enumerate(sentences):
        if columns is not None:
            found = cells(s.text)
            row = _row(s.text, found, columns)
            if row is not None:
                out[i] = row
                continue
            if len(found) == len(columns):
                continue  # 生态环境 完成省下达任务 —: a row of words; the table goes on (its text is read as prose)
        columns = header(s.text) if len(s.text) <= 80 else None
    return out


def _may_have_header(text: str, words: tuple[str, ...]) -> bool:
    """Whether a line opens with a name column's header word (str.find: a regex scan of every
    report cost ~3 % of extraction)."""
    for word in words:
        at = text.find(word)
        while at >= 0:
            if not text[text.rfind("\n", 0, at) + 1:at].strip(" \t\u3000"):
                return True
            at = text.find(word, at + 1)
    return False


def _row(text: str, found: list[Cell], columns: tuple[Column, ...]) -> Row | None:
    extra = len(found) - len(columns)
    if extra < 0 or not found:
        return None
    if extra:  # 其中: 工业投资 亿元 — 21.5: the name held a space
        found = [Cell(found[0].start, found[extra].end, text[found[0].start:found[extra].end]), *found[extra + 1:]]
    # a value cell may be words (完成省下达任务): the row goes on, the cell is not read
    if all(number_cell(c.text) is None for col, c in zip(columns, found, strict=True)
           if col.kind in ("value", "growth")):
        return None  # no number where the header says numbers: not a row
    return Row(columns, tuple(found))
