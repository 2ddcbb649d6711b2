"""Sorting a table only when it is not already sorted.

The producers hand most tables over in order (batches run in report order), and sorting 3 M
rows again costs seconds and a second copy of the table in memory; checking costs one pass.
"""

from __future__ import annotations

import polars as pl


def in_order(df: pl.DataFrame, by: list[str]) -> bool:
    """True when the rows are already in `df.sort(by, nulls_last=True)` order, so that a stable sort
    would leave them as they are. One comparison of each row with the one before."""
    if df.height < 2:
        return True
    if not all(df.schema[c].is_integer() or df.schema[c] in (pl.String, pl.Boolean, pl.Date) for c in by):
        return False  # a float's NaN, a list: leave it to the sort
    before: pl.Expr | None = None  # the row sorts before the previous one
    for column in reversed(by):
        value, previous = pl.col(column), pl.col(column).shift(1)
        less = ((value < previous).fill_null(False) | (value.is_not_null() & previous.is_null()))
        before = less if before is None else less | (value.eq_missing(previous) & before)
    return not df.select(before.slice(1).any()).item()


def sorted_by(df: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    """`df` in stable `by` order (nulls last): the same frame when it already is."""
    return df if in_order(df, by) else df.sort(by, nulls_last=True, maintain_order=True)
