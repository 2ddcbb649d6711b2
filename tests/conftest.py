"""Shared fixtures: temporary raw and warehouse folders, and a Dagster instance in a temp home."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "raw").glob("*.txt"))


@pytest.fixture
def folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """An empty raw folder and warehouse, wired in through GOVREPORT_RAW / GOVREPORT_WAREHOUSE."""
    raw, warehouse = tmp_path / "raw", tmp_path / "warehouse"
    raw.mkdir()
    monkeypatch.setenv("GOVREPORT_RAW", str(raw))
    monkeypatch.setenv("GOVREPORT_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("GOVREPORT_WORKERS", "1")
    return {"raw": raw, "warehouse": warehouse}


@pytest.fixture
def seed_raw(folders: dict[str, Path]) -> dict[str, Path]:
    """The project's raw folder (seeds + manifest) copied into the temporary raw folder."""
    for path in (ROOT / "raw").iterdir():
        shutil.copy(path, folders["raw"] / path.name)
    return folders


@pytest.fixture
def instance(tmp_path: Path) -> Iterator[dg.DagsterInstance]:
    """A real, ephemeral-on-disk Dagster instance."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    with dg.instance_for_test(temp_dir=str(home)) as inst:
        yield inst


def all_defs() -> dg.Definitions:
    from pipeline.definitions import defs

    return defs()
