"""The `reports` asset over good and bad raw files, materialized by a real Dagster instance."""

from __future__ import annotations

import codecs
import datetime as dt
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from pipeline.lib.inventory import build_inventory, report_id_for
from pipeline.lib.manifest import ManifestError
from tests.conftest import ROOT, all_defs

SEED = (ROOT / "raw" / "003_fac0b31ba6ba339c.txt").read_text(encoding="utf-8")


def _materialize_reports(instance: dg.DagsterInstance) -> pl.DataFrame:
    defs = all_defs()
    result = dg.materialize([defs.get_assets_def("reports")], instance=instance,
                            resources=defs.resources)
    assert result.success
    return result.output_for_node("reports")


def _write_bad_files(raw: Path) -> None:
    (raw / "good_utf8.txt").write_text(SEED, encoding="utf-8")
    (raw / "bom.txt").write_bytes(codecs.BOM_UTF8 + SEED.replace("青岛", "烟台").encode("utf-8"))
    (raw / "gbk.txt").write_bytes(SEED.replace("青岛", "济南").replace("\xa0", " ").encode("gbk"))
    (raw / "utf16.txt").write_bytes(SEED.replace("青岛", "潍坊").encode("utf-16"))
    (raw / "truncated.txt").write_bytes(SEED.replace("青岛", "威海").encode("utf-8")[:-2])
    (raw / "empty.txt").write_bytes(b"")
    (raw / "binary.pdf").write_bytes(b"%PDF-1.4\x00\x01\x02" + bytes(range(256)) * 20)
    (raw / "good_utf8_copy.txt").write_text(SEED, encoding="utf-8")


def test_each_bad_file_gets_its_outcome(folders: dict[str, Path], instance: dg.DagsterInstance) -> None:
    _write_bad_files(folders["raw"])
    frame = _materialize_reports(instance)
    by_file = {r["source_file"]: r for r in frame.iter_rows(named=True)}
    assert set(by_file) == {"good_utf8.txt", "bom.txt", "gbk.txt", "utf16.txt", "truncated.txt",
                            "empty.txt", "binary.pdf", "good_utf8_copy.txt"}
    expected_encoding = {"good_utf8.txt": "utf-8", "bom.txt": "utf-8-sig", "gbk.txt": "gb18030",
                         "utf16.txt": "utf-16", "truncated.txt": "utf-8"}
    for name, encoding in expected_encoding.items():
        assert by_file[name]["status"] == "ok", (name, by_file[name]["reason"])
        assert by_file[name]["encoding"] == encoding
    assert "truncated" in by_file["truncated.txt"]["note"]
    assert by_file["empty.txt"]["status"] == "quarantined" and "empty" in by_file["empty.txt"]["reason"]
    assert by_file["binary.pdf"]["status"] == "quarantined" and "binary" in by_file["binary.pdf"]["reason"]
    dup = by_file["good_utf8_copy.txt"]
    assert dup["status"] == "quarantined" and "duplicate of good_utf8.txt" in dup["reason"]
    # No manifest: every field is inferred from the text, and the region from the title.
    assert set(frame["metadata_source"]) == {"inferred"}
    assert by_file["gbk.txt"]["region"] == "济南市"
    assert by_file["gbk.txt"]["region_level"] == "city"
    assert (by_file["gbk.txt"]["review_year"], by_file["gbk.txt"]["plan_year"]) == (2023, 2024)
    assert by_file["gbk.txt"]["report_type"] == "plan_report"
    assert str(by_file["gbk.txt"]["publish_date"]) == "2024-02-06"


def test_seeds_with_manifest(seed_raw: dict[str, Path], instance: dg.DagsterInstance) -> None:
    frame = _materialize_reports(instance)
    assert frame.height == 5
    assert set(frame["status"]) == {"ok"} and set(frame["metadata_source"]) == {"manifest"}
    rows = {r["report_id"]: r for r in frame.iter_rows(named=True)}
    assert rows["003_fac0b31ba6ba339c"]["region"] == "青岛市"
    assert (rows["004_a55f1f49b26a8933"]["review_year"], rows["004_a55f1f49b26a8933"]["plan_year"]) == (2022, 2023)
    assert rows["000_28ae9d1dd9218b11"]["region_level"] == "district"
    assert len(rows["002_3c9e6dc27d5dd780"]["sha256"]) == 64


def test_file_missing_from_manifest_is_inferred(seed_raw: dict[str, Path]) -> None:
    (seed_raw["raw"] / "extra.txt").write_text(SEED.replace("青岛", "日照"), encoding="utf-8")
    frame = build_inventory(seed_raw["raw"])
    extra = frame.filter(pl.col("source_file") == "extra.txt").row(0, named=True)
    assert extra["metadata_source"] == "inferred" and extra["region"] == "日照市" and extra["status"] == "ok"


@pytest.mark.parametrize(("manifest", "message"), [
    ("reports:\n  - file: nowhere.txt\n    region: 青岛市\n", "entry 1 (nowhere.txt): no such file"),
    ("reports:\n  - file: a.txt\n    review_year: soon\n", "entry 1 (a.txt): review_year must be a year"),
    ("reports:\n  - file: a.txt\n    report_type: speech\n", "report_type must be one of"),
    ("reports: [unclosed\n", "manifest.yaml: cannot be read"),
    ("reports:\n  - region: 青岛市\n", "entry 1: every entry needs a `file`"),
])
def test_bad_manifest_names_the_entry(folders: dict[str, Path], manifest: str, message: str) -> None:
    (folders["raw"] / "a.txt").write_text(SEED, encoding="utf-8")
    (folders["raw"] / "manifest.yaml").write_text(manifest, encoding="utf-8")
    with pytest.raises(ManifestError, match=message.replace("(", r"\(").replace(")", r"\)")):
        build_inventory(folders["raw"])


def test_bad_manifest_fails_the_run_with_its_message(folders: dict[str, Path],
                                                     instance: dg.DagsterInstance) -> None:
    (folders["raw"] / "manifest.yaml").write_text("reports:\n  - file: gone.txt\n", encoding="utf-8")
    defs = all_defs()
    result = dg.materialize([defs.get_assets_def("reports")], instance=instance, resources=defs.resources,
                            raise_on_error=False)
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure)
    assert "gone.txt" in str(failure.step_failure_data.error)


def test_report_ids_are_stable() -> None:
    assert report_id_for("003_fac0b31ba6ba339c.txt") == "003_fac0b31ba6ba339c"
    assert report_id_for("2024/青岛市 报告.txt") == "2024__青岛市_报告"


def test_inventory_cache_reads_only_changed_files(seed_raw: dict[str, Path], monkeypatch: pytest.MonkeyPatch,
                                                  tmp_path: Path) -> None:
    import os

    from pipeline.lib import inventory

    cache = tmp_path / "inventory.json"
    raw = seed_raw["raw"]
    old = 1_600_000_000_000_000_000  # mtimes well in the past, so the cached hashes are trusted
    for path in raw.iterdir():
        os.utime(path, ns=(old, old))
    first = build_inventory(raw, cache=cache)
    read: list[str] = []
    real = inventory.inspect_file
    monkeypatch.setattr(inventory, "inspect_file", lambda r, f: read.append(f) or real(r, f))
    assert build_inventory(raw, cache=cache).equals(first) and read == []
    changed = raw / "003_fac0b31ba6ba339c.txt"
    changed.write_text(changed.read_text(encoding="utf-8").replace("15760.34", "15760.35"), encoding="utf-8")
    os.utime(changed, ns=(old + 10**9, old + 10**9))  # same size, later mtime
    third = build_inventory(raw, cache=cache)
    assert read == ["003_fac0b31ba6ba339c.txt"]
    assert third.filter(pl.col("source_file") == changed.name)["sha256"].item() != \
        first.filter(pl.col("source_file") == changed.name)["sha256"].item()
    read.clear()
    (raw / "new.txt").write_text(SEED.replace("青岛", "日照"), encoding="utf-8")
    fourth = build_inventory(raw, cache=cache)
    assert read == ["new.txt"] and fourth.height == third.height + 1


def test_manifest_cache_gives_the_same_entries_and_sees_every_change(seed_raw: dict[str, Path],
                                                                      tmp_path: Path) -> None:
    from pipeline.lib.manifest import load_manifest

    raw, cache = seed_raw["raw"], tmp_path / "manifest-cache.json"
    parsed = load_manifest(raw)
    assert load_manifest(raw, cache=cache) == parsed and cache.is_file()
    assert load_manifest(raw, cache=cache) == parsed  # from the cache: dates are dates again
    assert any(isinstance(e.get("publish_date"), dt.date) for e in parsed.values())
    manifest = raw / "manifest.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("青岛市", "日照市", 1), encoding="utf-8")
    changed = load_manifest(raw, cache=cache)
    assert changed != parsed and changed == load_manifest(raw)
    victim = next(iter(changed))
    (raw / victim).unlink()
    with pytest.raises(ManifestError, match="no such file"):
        load_manifest(raw, cache=cache)
