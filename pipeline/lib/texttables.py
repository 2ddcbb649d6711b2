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
_NUMBER_CELL = re.compile(r"^([-−+]?\d+(?:\.\d+)?)(.*)$")


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
        """The indicator the row is about, without spaces or a lead-in (其中: 工业投资 -> 工业投资)."""
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
    # a growth column that names no year is of the value column before it (2023年目标 增长%: a goal)
    for i, col in enumerate(columns):
        if col.kind == "growth" and col.year is None and col.status is None:
            before = next((c for c in reversed(columns[:i]) if c.kind == "value"), None)
            if before is not None:
                columns[i] = Column("growth", before.year, before.status)
    return tuple(columns)


def number_cell(text: str) -> tuple[str, str] | None:
    """The number of a cell as written and what follows it (`7左右` -> ("7", "左右")), or None."""
    m = _NUMBER_CELL.match(text)
    return None if m is None else (m.group(1).replace("−", "-"), m.group(2))


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
            row = _row(s.text, columns, lex)
            if row is not None:
                out[i] = row
                continue
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


def _row(text: str, columns: tuple[Column, ...], lex) -> Row | None:
    found = cells(text)
    extra = len(found) - len(columns)
    if extra < 0 or not found:
        return None
    if extra:  # 其中: 工业投资 亿元 — 21.5: the name held a space
        found = [Cell(found[0].start, found[extra].end, text[found[0].start:found[extra].end]), *found[extra + 1:]]
    for col, cell in zip(columns, found, strict=True):
        if col.kind in ("value", "growth") and number_cell(cell.text) is None \
                and not lex.table_no_data_re.match(cell.text):
            return None
    if all(number_cell(c.text) is None for col, c in zip(columns, found, strict=True) if col.kind != "name"):
        return None  # a line of words only: not a row
    return Row(columns, tuple(found))
