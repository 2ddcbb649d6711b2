"""The raw-folder sensor asks for a warehouse refresh exactly when the folder's content changes.

Ticks are evaluated with Dagster's own `build_sensor_context` on a real (temporary, on-disk)
instance, each tick given the cursor the previous one left, as the daemon would.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.definitions.sensor_definition import SensorExecutionData

from pipeline.defs.jobs import FULL_REBUILD_TAG
from pipeline.defs.sensors import raw_folder_sensor, state_file
from pipeline.lib import watch
from tests.conftest import ROOT, SEEDS, all_defs

HOUR_NS = 3600 * 10**9


class Ticker:
    """Evaluates the sensor tick after tick, carrying the cursor forward like the daemon does."""

    def __init__(self, instance: dg.DagsterInstance) -> None:
        self.instance = instance
        self.cursor: str | None = None

    def tick(self) -> SensorExecutionData:
        context = dg.build_sensor_context(instance=self.instance, cursor=self.cursor,
                                          sensor_name=raw_folder_sensor.name)
        data = raw_folder_sensor.evaluate_tick(context)
        if data.cursor is not None:
            self.cursor = data.cursor
        return data


def age(path: Path, ns: int = HOUR_NS) -> None:
    """Move a file's mtime into the past, as for a file written long before the scan."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns - ns, stat.st_mtime_ns - ns))


@pytest.fixture
def ticker(seed_raw: dict[str, Path], instance: dg.DagsterInstance) -> Ticker:
    return Ticker(instance)


def test_sensor_targets_refresh_warehouse_and_runs_by_default() -> None:
    assert raw_folder_sensor.job_name == "refresh_warehouse"
    assert raw_folder_sensor.default_status == dg.DefaultSensorStatus.RUNNING
    assert raw_folder_sensor.minimum_interval_seconds <= 10


def test_first_tick_unchanged_added_changed_touched(ticker: Ticker, seed_raw: dict[str, Path]) -> None:
    raw = seed_raw["raw"]
    first = ticker.tick()
    assert len(first.run_requests) == 1, first.skip_message
    assert first.run_requests[0].run_key
    assert "6 new" in first.run_requests[0].tags["govreport/raw_changes"]  # five seeds and the manifest
    assert set(watch.load_state(state_file(ticker.instance), raw)) == {p.name for p in raw.iterdir()}
    assert len(ticker.cursor or "") < 200, "the cursor is stored with every tick: it must stay small"

    unchanged = ticker.tick()
    assert not unchanged.run_requests
    assert "No file" in unchanged.skip_message and str(raw) in unchanged.skip_message

    text = SEEDS[3].read_text(encoding="utf-8").replace("青岛市", "烟台市")
    (raw / "005_yantai.txt").write_text(text, encoding="utf-8")
    added = ticker.tick()
    assert len(added.run_requests) == 1
    assert "1 new" in added.run_requests[0].tags["govreport/raw_changes"]
    assert "005_yantai.txt" in added.run_requests[0].tags["govreport/raw_changes"]
    keys = {first.run_requests[0].run_key, added.run_requests[0].run_key}
    assert len(keys) == 2

    target = raw / SEEDS[0].name
    before = target.stat()
    data = bytearray(target.read_bytes())
    data[-1:] = b"\n" if data[-1:] != b"\n" else b" "  # same size, different content
    target.write_bytes(bytes(data))
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns + 10**9))
    changed = ticker.tick()
    assert len(changed.run_requests) == 1
    assert "1 changed" in changed.run_requests[0].tags["govreport/raw_changes"]
    assert changed.run_requests[0].run_key not in keys

    os.utime(raw / SEEDS[1].name)  # touch: new mtime, same bytes
    touched = ticker.tick()
    assert not touched.run_requests, "a touched file must not start a run"
    assert touched.skip_message


def test_removed_file_and_return_to_an_earlier_state(ticker: Ticker, seed_raw: dict[str, Path]) -> None:
    raw = seed_raw["raw"]
    extra = raw / "005_copy.txt"
    first = ticker.tick()
    shutil.copy(SEEDS[2], extra)
    extra.write_text(extra.read_text(encoding="utf-8") + "\n附：新增。\n", encoding="utf-8")
    added = ticker.tick()
    extra.unlink()
    removed = ticker.tick()
    assert len(removed.run_requests) == 1
    assert "1 removed" in removed.run_requests[0].tags["govreport/raw_changes"]
    # Back to the first tick's content: still a run (the warehouse holds 005), under a new run key.
    assert removed.run_requests[0].run_key not in {first.run_requests[0].run_key, added.run_requests[0].run_key}


def test_manifest_change_starts_a_run_and_hidden_files_do_not(ticker: Ticker, seed_raw: dict[str, Path]) -> None:
    raw = seed_raw["raw"]
    ticker.tick()
    (raw / ".005.txt.swp").write_bytes(b"editor swap file")
    assert not ticker.tick().run_requests
    manifest = raw / "manifest.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8") + "\n# reviewed\n", encoding="utf-8")
    assert len(ticker.tick().run_requests) == 1


def test_missing_raw_folder_names_folder_and_env_var(folders: dict[str, Path], instance: dg.DagsterInstance,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    missing = folders["raw"].parent / "no_such_raw"
    monkeypatch.setenv("GOVREPORT_RAW", str(missing))
    data = Ticker(instance).tick()
    assert not data.run_requests
    assert str(missing) in data.skip_message and "GOVREPORT_RAW" in data.skip_message


def test_empty_raw_folder_starts_nothing(folders: dict[str, Path], instance: dg.DagsterInstance) -> None:
    data = Ticker(instance).tick()
    assert not data.run_requests and "0 file(s)" in data.skip_message


def test_unchanged_files_are_not_hashed_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for seed in SEEDS:
        shutil.copy(seed, tmp_path / seed.name)
        age(tmp_path / seed.name)
    calls: list[Path] = []
    real = watch.sha256_of
    monkeypatch.setattr(watch, "sha256_of", lambda p: calls.append(p) or real(p))
    first = watch.scan(tmp_path)
    assert len(calls) == len(SEEDS)
    calls.clear()
    assert watch.scan(tmp_path, first) == first
    assert calls == [], "files with the same size and mtime must not be read again"
    os.utime(tmp_path / SEEDS[0].name)
    second = watch.scan(tmp_path, first)
    assert [p.name for p in calls] == [SEEDS[0].name]
    assert not watch.compare(first, second)


def test_recently_written_file_is_hashed_again(tmp_path: Path) -> None:
    """A hash taken in the same instant as the write is not trusted: a same-size rewrite within one
    mtime tick (coarse file systems) would otherwise go unseen."""
    path = tmp_path / "a.txt"
    path.write_bytes(b"2023 GDP 5%")
    first = watch.scan(tmp_path)
    stat = path.stat()
    path.write_bytes(b"2023 GDP 6%")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size, same mtime
    assert watch.compare(first, watch.scan(tmp_path, first)).changed == ["a.txt"]


def test_retried_tick_asks_for_the_same_run_key(ticker: Ticker, seed_raw: dict[str, Path]) -> None:
    """If the daemon dies after evaluating a tick but before storing its cursor, the retry must ask
    for the same run key, so Dagster does not start the same refresh twice."""
    ticker.tick()
    (seed_raw["raw"] / "005_new.txt").write_text("2024年地区生产总值增长5%。", encoding="utf-8")
    cursor_before = ticker.cursor
    first = ticker.tick()
    ticker.cursor = cursor_before  # the cursor of the first attempt was never stored
    retry = ticker.tick()
    assert [r.run_key for r in retry.run_requests] == [r.run_key for r in first.run_requests]


def test_lost_state_file_costs_a_rehash_not_a_run(ticker: Ticker, seed_raw: dict[str, Path]) -> None:
    ticker.tick()
    state_file(ticker.instance).unlink()
    data = ticker.tick()
    assert not data.run_requests, "same content, same cursor: nothing to do"
    assert state_file(ticker.instance).is_file()


def test_reset_cursor_starts_a_run(ticker: Ticker, seed_raw: dict[str, Path]) -> None:
    """Resetting the cursor in the UI is how a user asks the sensor to look at everything again."""
    ticker.tick()
    ticker.cursor = None
    assert len(ticker.tick().run_requests) == 1


def test_cursor_round_trips_and_tolerates_garbage() -> None:
    cursor = watch.Cursor(state_hash="ab" * 32, generation=4)
    assert watch.Cursor.loads(cursor.dumps()) == cursor
    assert cursor.run_key() == f"raw-4-{'ab' * 8}"
    for junk in (None, "", "not json", "[]", '{"version": 999}'):
        assert watch.Cursor.loads(junk) == watch.Cursor()


def test_state_file_of_another_folder_is_ignored(tmp_path: Path) -> None:
    path, folder = tmp_path / "state.json", tmp_path / "raw"
    state = {"a.txt": {"sha256": "ab", "size": 1, "mtime_ns": 2, "hashed_ns": 3}}
    watch.save_state(path, folder, state)
    assert watch.load_state(path, folder) == state
    assert watch.load_state(path, tmp_path / "other") == {}
    path.write_text("{not json")
    assert watch.load_state(path, folder) == {}


def test_jobs_select_every_asset_and_full_rebuild_ignores_the_cache() -> None:
    defs = all_defs()
    every = set(defs.resolve_asset_graph().get_all_asset_keys())
    for name in ("refresh_warehouse", "full_rebuild"):
        job = defs.resolve_job_def(name)
        assert set(job.asset_layer.executable_asset_keys) == every, name
    assert defs.resolve_job_def("full_rebuild").tags[FULL_REBUILD_TAG] == "true"
    assert FULL_REBUILD_TAG not in defs.resolve_job_def("refresh_warehouse").tags
    assert defs.resolve_sensor_def("raw_folder_sensor").job_name == "refresh_warehouse"
    assert (ROOT / "pipeline" / "defs" / "sensors.py").is_file()
