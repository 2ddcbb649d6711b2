"""Where inputs and outputs live: `GOVREPORT_RAW` and `GOVREPORT_WAREHOUSE`, as SPEC.md says."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def raw_dir() -> Path:
    """The folder of raw report texts (default `raw/` in the project)."""
    return Path(os.environ.get("GOVREPORT_RAW") or PROJECT_ROOT / "raw").resolve()


def warehouse_dir() -> Path:
    """The folder the warehouse is published to (default `warehouse/` in the project)."""
    return Path(os.environ.get("GOVREPORT_WAREHOUSE") or PROJECT_ROOT / "warehouse").resolve()


def work_dir() -> Path:
    """Intermediate results between assets and the per-report cache: beside, never inside, what
    users read, so a failed run cannot touch the published warehouse."""
    return warehouse_dir() / ".work"


def asset_dir(name: str) -> Path:
    """Where the frames of the asset `name` are kept between runs."""
    return work_dir() / "assets" / name


def stored_frame(name: str) -> Path:
    """The file of the single-frame asset `name` (a dict-valued asset keeps `<key>.parquet` files)."""
    return asset_dir(name) / "frame.parquet"


def ledger_path(stage: str) -> Path:
    """The fingerprints of the reports a per-report stage computed last (see `batch.py`)."""
    return work_dir() / "ledgers" / f"{stage}.parquet"


def parts_dir(stage: str) -> Path:
    """Where a per-report stage's batches write their rows until the stage's tables are stored."""
    return work_dir() / "parts" / stage


def gold_dir() -> Path:
    """Hand-made gold facts (`GOVREPORT_GOLD`, default `tests/gold`): when they cover reports of the
    run, the facts asset shows its score against them."""
    return Path(os.environ.get("GOVREPORT_GOLD") or PROJECT_ROOT / "tests" / "gold").resolve()


def inventory_cache() -> Path:
    """What each raw file's bytes told at the last inspection (see `inventory.build_inventory`)."""
    return work_dir() / "ledgers" / "inventory.json"
