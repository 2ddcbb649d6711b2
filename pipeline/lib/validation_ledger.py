"""Which reports validation need not check again: those whose rows are as they were when they last
passed every check of their rows.

A row's model checks look at the row alone, and every cross-table check looks within the row's
own report (its `reports` row, its document, its sentences) and at the dictionary. So the row
checks of a report give the same answer as long as its rows in every per-report table, its
`reports` row, the dictionary and the code are the same. The ledger keeps, per report that passed,
a hash of its rows per table (`frames.report_hashes`) and the version of everything else; a
report whose hashes all match is not checked again. What needs the whole table (exact copies,
uniqueness) is checked every time: a new report can repeat an old report's key.

Adding one report to 10,000 thus checks one report's rows (at 10,000 reports, checking every
row is ~6 s; hashing them ~1 s).
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

import pandera
import polars as pl

from pipeline.lib.batch import code_version
from pipeline.lib.frames import HASH_SCHEMA, changed_reports, report_in
from pipeline.lib.paths import PROJECT_ROOT

LEDGER_SCHEMA = {**HASH_SCHEMA, "version": pl.String}


@cache
def _checks_version() -> str:
    """The library code (`code_version`), the schemas that declare the checks, and the libraries
    that run them."""
    digest = hashlib.sha256(f"{code_version()}|{pl.__version__}|{pandera.__version__}".encode())
    for path in sorted((PROJECT_ROOT / "schemas").glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def validation_version(indicators: pl.DataFrame | None) -> str:
    """What the row checks depend on besides a report's own rows: the code and the dictionary."""
    digest = hashlib.sha256(_checks_version().encode())
    if indicators is not None:
        digest.update(indicators.write_json().encode())
    return digest.hexdigest()[:24]


def unchanged_reports(hashes: pl.DataFrame, ledger: pl.DataFrame, version: str) -> set[str]:
    """The reports that passed their row checks when the ledger was written and whose rows in every
    table hash the same now (`hashes`, as `frames.report_hashes` over several tables)."""
    ledger = ledger.filter(pl.col("version") == version).drop("version")
    if ledger.is_empty():
        return set()
    passed = set(ledger["report_id"].drop_nulls().to_list())
    return passed - set(changed_reports(ledger, hashes.select(list(HASH_SCHEMA))).to_list())


def ledger_rows(hashes: pl.DataFrame, failed: set[str], version: str) -> pl.DataFrame:
    """The ledger after this run: the hashes of every report none of whose rows failed a row check.

    Each such report has its `reports` row's hash in it, so a report that passed but has no rows
    in some table is still known to have passed."""
    passed = hashes.filter(pl.col("report_id").is_not_null() & ~report_in(failed))
    return passed.with_columns(version=pl.lit(version, dtype=pl.String)).select(LEDGER_SCHEMA.keys())


def read_ledger(path: Path) -> pl.DataFrame | None:
    """The ledger the previous validation wrote, or None (none yet, or unreadable)."""
    try:
        ledger = pl.read_parquet(path)
    except (OSError, pl.exceptions.PolarsError):
        return None
    return ledger if dict(ledger.schema) == LEDGER_SCHEMA else None


def write_ledger(path: Path, ledger: pl.DataFrame) -> None:
    """Write the ledger whole or not at all (a temporary file renamed over the old one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    ledger.write_parquet(tmp)
    tmp.replace(path)
