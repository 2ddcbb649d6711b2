"""Read `raw/manifest.yaml` (or `.csv`): what is known of each raw file, checked entry by entry.

A malformed manifest, or an entry that names a file that is not there, is an error that names
the entry: a silent mismatch would publish a report under the wrong region or year.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import os
from pathlib import Path
from typing import Any

import yaml

# libyaml's loader where the machine has it: a 10,000-entry manifest parses in a second, not thirty.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

REGION_LEVELS = ("province", "city", "district")
REPORT_TYPES = ("work_report", "plan_report", "infographic", "statistical_bulletin")
FIELDS = ("report_id", "region", "region_level", "report_type", "review_year", "plan_year",
          "publish_date", "source_url", "note")
MANIFEST_NAMES = ("manifest.yaml", "manifest.yml", "manifest.csv")


class ManifestError(ValueError):
    """The manifest cannot be trusted; the message names the file and the entry."""


def manifest_path(raw: Path) -> Path | None:
    """The manifest in the raw folder, if there is one."""
    for name in MANIFEST_NAMES:
        if (raw / name).is_file():
            return raw / name
    return None


def load_manifest(raw: Path, cache: Path | None = None) -> dict[str, dict[str, Any]]:
    """Entries keyed by file path relative to `raw`, each with only the fields it states.

    With a `cache` file, a manifest whose bytes (and the checking code) are the same as when the
    cache was written is not parsed again: parsing a 10,000-entry YAML manifest takes about a
    second, most of what a run that adds one report spends on the inventory. The entries are
    still checked against the files that are there now.
    """
    path = manifest_path(raw)
    if path is None:
        return {}
    key = _cache_key(path)
    cached = _read_cache(cache, key)
    if cached is not None:
        for i, name in enumerate(cached, start=1):
            if not os.path.isfile(os.path.join(raw, name)):
                raise ManifestError(f"{path.name}, entry {i} ({name}): no such file in {raw}")
        return cached
    entries = _read_entries(path)
    out: dict[str, dict[str, Any]] = {}
    for i, entry in enumerate(entries, start=1):
        where = f"{path.name}, entry {i}"
        if not isinstance(entry, dict) or not entry.get("file"):
            raise ManifestError(f"{where}: every entry needs a `file` (a path relative to the raw folder)")
        name = str(entry["file"]).strip()
        where = f"{path.name}, entry {i} ({name})"
        if name in out:
            raise ManifestError(f"{where}: the file is listed twice")
        if not (raw / name).is_file():
            raise ManifestError(f"{where}: no such file in {raw}")
        unknown = set(entry) - set(FIELDS) - {"file"}
        if unknown:
            raise ManifestError(f"{where}: unknown field(s) {sorted(unknown)}; known: {list(FIELDS)}")
        out[name] = _checked_entry(entry, where)
    _write_cache(cache, key, out)
    return out


def _cache_key(path: Path) -> str:
    """The manifest's name and bytes, and the code that checks them."""
    digest = hashlib.sha256(path.name.encode())
    digest.update(path.read_bytes())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()


def _read_cache(cache: Path | None, key: str) -> dict[str, dict[str, Any]] | None:
    if cache is None or not cache.is_file():
        return None
    try:
        doc = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # a damaged cache only costs a parse
    if doc.get("key") != key:
        return None
    for entry in doc["entries"].values():
        if "publish_date" in entry:
            entry["publish_date"] = dt.date.fromisoformat(entry["publish_date"])
    return doc["entries"]


def _write_cache(cache: Path | None, key: str, entries: dict[str, dict[str, Any]]) -> None:
    """Checked entries hold only strings, years and dates (written as YYYY-MM-DD)."""
    if cache is None:
        return
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_suffix(".tmp")
    tmp.write_text(json.dumps({"key": key, "entries": entries}, ensure_ascii=False, default=str), encoding="utf-8")
    tmp.replace(cache)


def _read_entries(path: Path) -> list[Any]:
    try:
        if path.suffix == ".csv":
            with path.open(encoding="utf-8-sig", newline="") as f:
                return [{k: v for k, v in row.items() if v not in (None, "")} for row in csv.DictReader(f)]
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except (yaml.YAMLError, UnicodeDecodeError, csv.Error) as err:
        raise ManifestError(f"{path.name}: cannot be read: {err}") from err
    if doc is None:
        return []
    if isinstance(doc, dict) and isinstance(doc.get("reports"), list):
        return doc["reports"]
    if isinstance(doc, list):
        return doc
    raise ManifestError(f"{path.name}: expected a list of entries under `reports:`")


def _checked_entry(entry: dict[str, Any], where: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in FIELDS:
        value = entry.get(key)
        if value is None or value == "":
            continue
        if key in ("review_year", "plan_year"):
            try:
                value = int(value)
            except (TypeError, ValueError):
                raise ManifestError(f"{where}: {key} must be a year, not {value!r}") from None
            if not 1949 <= value <= 2100:
                raise ManifestError(f"{where}: {key} {value} is not a plausible year")
        elif key == "publish_date":
            if isinstance(value, str):
                try:
                    value = dt.date.fromisoformat(value.strip())
                except ValueError:
                    raise ManifestError(f"{where}: publish_date must be YYYY-MM-DD, not {value!r}") from None
            elif not isinstance(value, dt.date):
                raise ManifestError(f"{where}: publish_date must be YYYY-MM-DD, not {value!r}")
        elif key == "region_level" and value not in REGION_LEVELS:
            raise ManifestError(f"{where}: region_level must be one of {REGION_LEVELS}, not {value!r}")
        elif key == "report_type" and value not in REPORT_TYPES:
            raise ManifestError(f"{where}: report_type must be one of {REPORT_TYPES}, not {value!r}")
        else:
            value = str(value).strip()
        out[key] = value
    return out
