"""The two per-report stages, normalize and extract, over a whole inventory.

Plain functions that the Dagster assets call: each computes only the reports whose fingerprint
changed since the ledger was written, in batches across worker processes, and keeps the
previous rows of the others (see `batch.py`). The workers write their rows to Parquet parts in
a folder the caller names; the tables returned are scans of those parts and of the kept rows,
so the folder must stay until they are written out.

The ledger of the new tables comes back with them, not written: the caller clears the old one
before it stores the first table and writes the new one after the last (`batch.clear_ledger`,
`batch.write_ledger`), so that a run failing halfway through storing cannot leave a ledger that
vouches for tables of another run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from pipeline.lib import batch
from pipeline.lib.frames import Frame, sorted_by
from pipeline.lib.inventory import read_raw_file

NORMALIZE_INPUTS = ("sha256", "report_type", "review_year", "plan_year")
EXTRACT_INPUTS = ("sha256", "region", "region_level", "report_type", "review_year", "plan_year",
                  "publish_date")
NORMALIZED_TABLES = ("documents", "sentences", "normalization_edits")


class RawFileChangedError(RuntimeError):
    """A raw file read for normalization is gone or not the file the run's inventory hashed."""


@dataclass(frozen=True)
class StageRun:
    """What a stage produced, and how much of it was computed rather than reused."""

    tables: dict[str, pl.LazyFrame]
    ledger: pl.DataFrame  # to write once every table is stored
    n_computed: int
    n_reused: int


def _ok_rows(reports: pl.DataFrame) -> list[dict[str, Any]]:
    return reports.filter(pl.col("status") == "ok").sort("report_id").to_dicts()


def normalize_batch(raw: str, rows: list[dict[str, Any]]) -> dict[str, pl.DataFrame]:
    """Normalize a batch of reports read from the raw folder: the three normalized tables."""
    from pipeline.lib import normalize as nz

    out: dict[str, list[dict[str, Any]]] = {name: [] for name in NORMALIZED_TABLES}
    for row in rows:
        raw_file = read_raw_file(Path(raw), row["source_file"])
        if raw_file.sha256 != row["sha256"] or raw_file.decoded.text is None:
            problem = raw_file.decoded.problem or "its bytes are not those the run's inventory read"
            raise RawFileChangedError(f"{Path(raw) / row['source_file']}: changed during the run ({problem}); "
                                      "materialize everything again (from `reports`) to read the folder as it is")
        report = nz.normalize_report(raw_file.decoded.text, report_type=row["report_type"],
                                     review_year=row["review_year"], plan_year=row["plan_year"])
        out["documents"] += nz.documents_rows(row["report_id"], report)
        out["sentences"] += nz.sentence_rows(row["report_id"], report)
        out["normalization_edits"] += nz.edit_rows(row["report_id"], report)
    schemas = normalized_schemas()
    return {name: pl.DataFrame(out[name], schema=schemas[name]) for name in NORMALIZED_TABLES}  # in key order


def normalized_schemas() -> dict[str, dict[str, Any]]:
    from pipeline.lib import normalize as nz

    return {"documents": nz.DOCUMENT_COLUMNS, "sentences": nz.SENTENCE_COLUMNS,
            "normalization_edits": nz.EDIT_COLUMNS}


def normalize_reports(reports: pl.DataFrame, raw: Path, previous: dict[str, pl.LazyFrame],
                      ledger_path: Path, parts: Path) -> StageRun:
    """`documents`, `sentences` and `normalization_edits` for every usable report."""
    rows = _ok_rows(reports)
    current = {r["report_id"]: batch.fingerprint(r, NORMALIZE_INPUTS) for r in rows}
    keep = batch.reusable(batch.read_ledger(ledger_path), current, previous.get("documents"))
    todo = [r for r in rows if r["report_id"] not in keep]
    batch.run_to_parts(normalize_batch, [(str(raw), b) for b in batch.batches(todo)], parts)
    schemas = normalized_schemas()
    tables = {name: _combined(batch.previous_rows(previous.get(name), keep, schemas[name]),
                              batch.scan_parts(parts, name, schemas[name])) for name in NORMALIZED_TABLES}
    return StageRun(tables, batch.ledger_frame(current, tables["documents"]), n_computed=len(todo),
                    n_reused=len(keep))


def _combined(kept: pl.LazyFrame, computed: pl.LazyFrame) -> pl.LazyFrame:
    """The kept and the computed rows as one table in key order, without a sort: each report's
    rows are all on one side, in key order there, and both sides are in report order (the
    previous output was written so; batches run in report order and each is in key order)."""
    return kept.merge_sorted(computed, key="report_id")


def extract_batch(rows: list[dict[str, Any]], documents: pl.LazyFrame, sentences: pl.LazyFrame
                  ) -> dict[str, pl.DataFrame]:
    """Extract the facts of a batch of reports from their normalized text and sentences.

    The worker reads only its own reports' rows: in the pipeline the inputs are scans of Parquet
    files sorted by report, so the filter skips the other reports' row groups by their statistics,
    and the parent never holds (or pickles) a copy of the tables for each batch. (Any LazyFrame
    works, e.g. a stage's own output: the filter then runs over the whole plan.)
    """
    from pipeline.lib.facts import FACT_COLUMNS, extract_facts
    from pipeline.lib.normalize import Sentence

    ids = [row["report_id"] for row in rows]
    mine = pl.col("report_id").is_in(ids)
    texts = dict(documents.filter(mine).select("report_id", "text").collect().iter_rows())
    by_report = sentences.filter(mine).collect().partition_by("report_id", as_dict=True, maintain_order=True)
    fields = list(Sentence.__dataclass_fields__)
    out: list[dict[str, Any]] = []
    for row in rows:
        frame = by_report.get((row["report_id"],))
        # Column lists zipped into tuples: a tenth of the cost of named rows on large reports.
        sents = [] if frame is None else [Sentence(*row) for row in zip(*(frame[f].to_list() for f in fields),
                                                                          strict=True)]
        out += extract_facts(row, texts.get(row["report_id"], ""), sents)
    # In key order, so that the parts in report order are the table in key order.
    return {"facts": sorted_by(pl.DataFrame(out, schema=FACT_COLUMNS), ["report_id", "span_start", "fact_id"])}


def extract_reports(reports: pl.DataFrame, documents: Frame, sentences: Frame, previous: pl.LazyFrame | None,
                    ledger_path: Path, parts: Path, normalized_ledger: Path | None = None) -> StageRun:
    """`facts` for every normalized report.

    `documents` and `sentences` are best passed as scans (`pl.scan_parquet`): each worker then
    reads its own slice. In-memory frames work too, but each batch's job carries a copy.
    `normalized_ledger` is normalize's ledger: a report's facts are kept only while the tables
    they were read from are the ones that ledger vouches for (a normalize run that failed halfway
    through storing leaves none, and facts read then from half-new tables are not kept).
    """
    from pipeline.lib.facts import FACT_COLUMNS

    documents, sentences = documents.lazy(), sentences.lazy()
    normalized = set(documents.select("report_id").collect()["report_id"].to_list())
    rows = [r for r in _ok_rows(reports) if r["report_id"] in normalized]
    # The normalized text is a function of the sha256 and the code version, both in the fingerprint,
    # once normalize stored all its tables: its ledger's fingerprint says so.
    vouched = {} if normalized_ledger is None else dict(
        batch.read_ledger(normalized_ledger).select("report_id", "fingerprint").iter_rows())
    current = {r["report_id"]: batch.fingerprint({**r, "normalized": vouched.get(r["report_id"])},
                                                 (*EXTRACT_INPUTS, "normalized")) for r in rows}
    keep = batch.reusable(batch.read_ledger(ledger_path), current, previous)
    todo = [r for r in rows if r["report_id"] not in keep]
    batch.run_to_parts(extract_batch, [(b, documents, sentences) for b in batch.batches(todo)], parts)
    facts = _combined(batch.previous_rows(previous, keep, FACT_COLUMNS), batch.scan_parts(parts, "facts", FACT_COLUMNS))
    return StageRun({"facts": facts}, batch.ledger_frame(current, facts), n_computed=len(todo),
                    n_reused=len(keep))
