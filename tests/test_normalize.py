"""Normalized text: offsets, sentences, sections and the edit record, on the seed reports."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from pipeline.lib.normalize import (
    EDIT_COLUMNS,
    SENTENCE_COLUMNS,
    edit_rows,
    normalize_report,
    sentence_rows,
)

RAW = Path(__file__).resolve().parents[1] / "raw"
SEEDS = sorted(RAW.glob("*.txt"))


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem[:3])
def test_offsets_hold_on_seeds(path: Path) -> None:
    r = normalize_report(path.read_text(encoding="utf-8"))
    assert r.sentences
    for s in r.sentences:
        assert r.text[s.char_start : s.char_end] == s.text
    pl.DataFrame(sentence_rows("x", r), schema=SENTENCE_COLUMNS)
    pl.DataFrame(edit_rows("x", r), schema=EDIT_COLUMNS)
