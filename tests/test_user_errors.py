"""Errors a user can act on fail the run with one sentence naming the thing to fix (issue 6)."""

from __future__ import annotations

import fcntl
from pathlib import Path

import dagster as dg
import pytest

from pipeline.lib import publish
from tests.conftest import all_defs


def _run(instance: dg.DagsterInstance) -> dg.ExecuteInProcessResult:
    job = all_defs().resolve_implicit_global_asset_job_def()
    return job.execute_in_process(instance=instance, raise_on_error=False)


def _failure(result: dg.ExecuteInProcessResult) -> tuple[str, dict]:
    event = next(e for e in result.all_events if e.is_step_failure)
    data = event.step_failure_data
    meta = {k: v.value for k, v in (data.user_failure_data.metadata if data.user_failure_data else {}).items()}
    return (data.user_failure_data.description if data.user_failure_data else str(data.error)), meta


def test_missing_raw_folder(folders: dict[str, Path], instance: dg.DagsterInstance,
                            monkeypatch: pytest.MonkeyPatch) -> None:
    missing = folders["raw"].parent / "no_such_folder"
    monkeypatch.setenv("GOVREPORT_RAW", str(missing))
    result = _run(instance)
    assert not result.success
    sentence, meta = _failure(result)
    assert str(missing) in sentence and "GOVREPORT_RAW" in sentence
    assert meta["error"] == sentence


def test_malformed_manifest(folders: dict[str, Path], instance: dg.DagsterInstance) -> None:
    (folders["raw"] / "manifest.yaml").write_text("reports:\n  - file: a.txt\n    plan_year: next\n",
                                                  encoding="utf-8")
    (folders["raw"] / "a.txt").write_text("关于某市2023年国民经济和社会发展计划执行情况的报告", encoding="utf-8")
    sentence, _ = _failure(_run(instance))
    assert "manifest.yaml, entry 1 (a.txt): plan_year must be a year" in sentence


def test_warehouse_locked_by_another_publisher(seed_raw: dict[str, Path], instance: dg.DagsterInstance,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    warehouse = seed_raw["warehouse"]
    assert _run(instance).success
    before = (warehouse / "parquet" / "facts.parquet").read_bytes()
    monkeypatch.setattr(publish, "LOCK_WAIT_SECONDS", 0.5)
    with open(warehouse / publish.LOCK_NAME, "a+b") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        result = _run(instance)
    assert not result.success
    sentence, meta = _failure(result)
    assert "another process is publishing" in sentence and str(warehouse) in sentence
    assert meta["error_kind"] == "WarehouseLockedError"
    assert (warehouse / "parquet" / "facts.parquet").read_bytes() == before


@pytest.mark.parametrize("change", ["edited", "removed"])
def test_a_raw_file_changed_after_the_inventory_names_the_file(seed_raw: dict[str, Path],
                                                               instance: dg.DagsterInstance, change: str) -> None:
    """The inventory hashed every file; normalization reads them again. A file edited or removed in
    between fails the step with its path, instead of normalizing other bytes than `reports` shows
    (or an empty text)."""
    job = all_defs().resolve_implicit_global_asset_job_def()
    assert job.execute_in_process(instance=instance, asset_selection=[dg.AssetKey("reports")]).success
    victim = sorted(seed_raw["raw"].glob("*.txt"))[2]
    if change == "edited":
        victim.write_text(victim.read_text(encoding="utf-8") + "\n全市新增企业100家。\n", encoding="utf-8")
    else:
        victim.unlink()
    result = job.execute_in_process(instance=instance, raise_on_error=False, asset_selection=[
        dg.AssetKey(name) for name in ("documents", "sentences", "normalization_edits")])
    assert not result.success
    sentence, meta = _failure(result)
    assert str(victim) in sentence and "changed during the run" in sentence and "again (from `reports`)" in sentence
    assert meta["error_kind"] == "RawFileChangedError"
