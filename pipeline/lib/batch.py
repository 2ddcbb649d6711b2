"""Run a per-report stage over many reports: in parallel, and only for what changed.

Each report's work (normalize, extract) is a pure function of its bytes, its metadata and the
code. So a report whose fingerprint (sha256 + metadata + code version) is the same as in the
previous run keeps its previous rows, and only new or changed reports are computed. This is
what lets one new report join a 10,000-report warehouse in seconds.

The computed reports are cut into batches that run in a process pool; a batch is the unit that
a Dagster executor could equally run on another machine (see docs in the README). Each batch
writes its tables to Parquet parts and the stage's tables are scans of them (and of the kept
rows): the parent never holds a stage's output, ~1.1 GB of text at 10,000 reports.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import shutil
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import polars as pl

from pipeline.lib.frames import report_in, rows_per_report
from pipeline.lib.paths import PROJECT_ROOT

T = TypeVar("T")
BATCH_SIZE = 64

# The files whose change must invalidate cached results: all library code and its data.
_CODE_GLOBS = ("pipeline/lib/*.py", "pipeline/data/*", "schemas/indicators.yaml")


@cache
def code_version() -> str:
    """A hash of the library code and data files: a change to any rule recomputes every report."""
    digest = hashlib.sha256()
    for pattern in _CODE_GLOBS:
        for path in sorted(PROJECT_ROOT.glob(pattern)):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def fingerprint(row: dict[str, Any], fields: Sequence[str]) -> str:
    """What a report's result depends on: the named fields of its row, and the code version."""
    digest = hashlib.sha256(code_version().encode())
    for field in fields:
        digest.update(f"\x1f{field}={row.get(field)}".encode())
    return digest.hexdigest()[:24]


def workers() -> int:
    """Worker processes: `GOVREPORT_WORKERS`, default one per core."""
    return max(1, int(os.environ.get("GOVREPORT_WORKERS") or os.cpu_count() or 1))


def batches(items: Sequence[T], size: int = BATCH_SIZE) -> list[list[T]]:
    """Consecutive slices of at most `size` items."""
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def run_batches(fn: Callable[..., T], jobs: Iterable[tuple], n_workers: int | None = None) -> list[T]:
    """`fn(*job)` for every job, in order; in a process pool when there is more than one job and worker."""
    jobs = list(jobs)
    n = min(n_workers or workers(), len(jobs))
    if n <= 1:
        return [fn(*job) for job in jobs]
    # "spawn", not the default "fork": forking a process whose polars thread pool is running can
    # deadlock the child (seen in the benchmark: the facts stage hung with no CPU used).
    with ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context("spawn")) as pool:
        return list(pool.map(fn, *zip(*jobs, strict=True)))


def run_to_parts(fn: Callable[..., dict[str, pl.DataFrame]], jobs: Iterable[tuple], parts: Path,
                 n_workers: int | None = None) -> None:
    """`fn(*job)` for every job, as `run_batches`; each job's tables are written by the worker to
    `parts/<table>/<job number>.parquet` (`parts` emptied first), to be read with `scan_parts`."""
    shutil.rmtree(parts, ignore_errors=True)
    parts.mkdir(parents=True)
    run_batches(_write_part, [(fn, parts, number, job) for number, job in enumerate(jobs)], n_workers)


def _write_part(fn: Callable[..., dict[str, pl.DataFrame]], parts: Path, number: int, job: tuple) -> None:
    for name, frame in fn(*job).items():
        (parts / name).mkdir(exist_ok=True)
        frame.write_parquet(parts / name / f"{number:06d}.parquet")


def scan_parts(parts: Path, name: str, schema: dict[str, Any]) -> pl.LazyFrame:
    """The rows the jobs of `run_to_parts` wrote for table `name`, in job order."""
    files = sorted((parts / name).glob("*.parquet"))
    return pl.scan_parquet(files, schema=schema) if files else pl.LazyFrame(schema=schema)


def previous_rows(previous: pl.LazyFrame | None, keep: set[str], schema: dict[str, Any]) -> pl.LazyFrame:
    """The rows of reports that did not change since the previous run (no rows if none)."""
    if previous is None or not keep or "report_id" not in previous.collect_schema().names():
        return pl.LazyFrame(schema=schema)
    if dict(previous.collect_schema()) != dict(schema):
        return pl.LazyFrame(schema=schema)  # the table's shape changed: recompute everything
    return previous.filter(report_in(keep)).select(list(schema))  # in the schema's column order, as computed


def read_previous(folder: Path) -> dict[str, pl.LazyFrame]:
    """Scans of the frames an asset stored in its previous run (empty when there was none)."""
    if not folder.is_dir():
        return {}
    return {p.stem: pl.scan_parquet(p) for p in sorted(folder.glob("*.parquet"))}


LEDGER_SCHEMA = {"report_id": pl.String, "fingerprint": pl.String, "n_rows": pl.Int64}


def read_ledger(path: Path) -> pl.DataFrame:
    """Which fingerprint each report had when its rows were last computed, and how many rows."""
    return pl.read_parquet(path) if path.is_file() else pl.DataFrame(schema=LEDGER_SCHEMA)


def reusable(ledger: pl.DataFrame, current: dict[str, str], previous: pl.LazyFrame | None) -> set[str]:
    """Reports whose fingerprint is unchanged and whose previous rows are all there.

    The row count guards against a ledger written by a run whose output was then lost.
    """
    if previous is None or ledger.is_empty() or "report_id" not in previous.collect_schema().names():
        return set()
    counts = dict(rows_per_report(previous).iter_rows())
    return {
        rid for rid, fp, n in ledger.iter_rows()
        if current.get(rid) == fp and counts.get(rid, 0) == n
    }


def ledger_frame(fingerprints: dict[str, str], rows: pl.LazyFrame) -> pl.DataFrame:
    """The ledger of a stage's output: each report's fingerprint and its number of rows in `rows`."""
    counts = dict(rows_per_report(rows).iter_rows())
    return pl.DataFrame(
        {"report_id": list(fingerprints), "fingerprint": list(fingerprints.values()),
         "n_rows": [counts.get(rid, 0) for rid in fingerprints]}, schema=LEDGER_SCHEMA,
    ).sort("report_id")


def clear_ledger(path: Path) -> None:
    """Forget what was computed: call it before a stage starts replacing its stored tables. A run
    that fails between the first table stored and the ledger written then leaves no ledger, and
    the next run recomputes every report instead of keeping rows of tables stored by other runs."""
    path.unlink(missing_ok=True)


def write_ledger(path: Path, ledger: pl.DataFrame) -> None:
    """Record a `ledger_frame`: only once every table it counts is stored."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    ledger.write_parquet(tmp)
    tmp.replace(path)
