"""Assemble the tables users see from the stages' outputs, before validation.

Counts in `reports` (n_chars, n_sentences, n_facts) are derived here, from the tables they count,
so they can never disagree with them.
"""

from __future__ import annotations

import polars as pl

from pipeline.lib.frames import Frame, rows_per_report


def published_reports(reports: pl.DataFrame, documents: Frame, sentences: Frame, facts: Frame) -> pl.DataFrame:
    """SPEC's `reports`: the inventory with the length of each normalized text and its counts.

    A quarantined report has no text, no sentences and no facts: its counts are 0.
    """
    n_chars = pl.col("text").str.len_chars().cast(pl.Int64).alias("n_chars")
    chars = documents.lazy().select("report_id", n_chars).collect()
    out = reports
    for counts in (chars, rows_per_report(sentences, "n_sentences"), rows_per_report(facts, "n_facts")):
        out = out.join(counts, on="report_id", how="left")
    return out.with_columns(pl.col("n_chars", "n_sentences", "n_facts").fill_null(0)).sort("report_id")

