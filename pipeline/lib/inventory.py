"""The inventory of the raw folder: one row per file, with its bytes' hash, encoding and metadata.

This is the faithful layer: it reads every file as it is and decides only whether it can be
used. A bad file is quarantined with a reason a person understands; the rest go on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from pipeline.lib.batch import batches, code_version, run_batches
from pipeline.lib.encoding import Decoded, decode_bytes
from pipeline.lib.manifest import MANIFEST_NAMES, load_manifest
from pipeline.lib.metadata import infer_metadata, region_level
from pipeline.lib.watch import FileState, trusted

REPORT_COLUMNS: dict[str, Any] = {
    "report_id": pl.String,
    "source_file": pl.String,
    "sha256": pl.String,
    "n_bytes": pl.Int64,
    "encoding": pl.String,
    "status": pl.String,
    "reason": pl.String,
    "note": pl.String,
    "region": pl.String,
    "region_level": pl.String,
    "report_type": pl.String,
    "review_year": pl.Int32,
    "plan_year": pl.Int32,
    "publish_date": pl.Date,
    "source_url": pl.String,
    "metadata_source": pl.String,
}
INSPECT_BATCH = 2_500  # files per worker job: a worker costs ~2 s to start, so only big folders get them
METADATA_FIELDS = ("region", "region_level", "report_type", "review_year", "plan_year", "publish_date")


class RawFolderError(FileNotFoundError):
    """The raw folder itself is missing or unreadable."""


@dataclass(frozen=True)
class RawFile:
    """A raw file as read: where it is, its bytes' hash, and its decoded text (if any)."""

    source_file: str
    sha256: str
    n_bytes: int
    decoded: Decoded


def report_id_for(source_file: str) -> str:
    """A stable id from the file's path: `sub/000_abc.txt` → `sub__000_abc`."""
    stem = source_file.rsplit(".", 1)[0] if "." in Path(source_file).name else source_file
    return re.sub(r"[^0-9A-Za-z_\-\u4e00-\u9fff]+", "_", stem.replace("/", "__")).strip("_")


def list_raw_files(raw: Path) -> list[str]:
    """Every report file under `raw`, as sorted paths relative to it (manifest and hidden files aside)."""
    if not raw.is_dir():
        raise RawFolderError(f"the raw folder {raw} does not exist: create it or set GOVREPORT_RAW")
    out = []
    # os.walk, not Path.rglob: a tenth of the cost on a 10,000-file folder (no Path per entry).
    for folder, dirs, names in os.walk(raw):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        rel_folder = os.path.relpath(folder, raw)
        for name in names:
            rel = name if rel_folder == "." else f"{rel_folder}/{name}".replace(os.sep, "/")
            if not name.startswith(".") and rel not in MANIFEST_NAMES and os.path.isfile(os.path.join(folder, name)):
                out.append(rel)
    return sorted(out)


def read_raw_file(raw: Path, source_file: str) -> RawFile:
    """Read and decode one file; an unreadable file becomes a problem, not an exception."""
    try:
        data = (raw / source_file).read_bytes()
    except OSError as err:
        return RawFile(source_file, "", 0, Decoded(None, None, f"the file cannot be read: {err.strerror}"))
    return RawFile(source_file, hashlib.sha256(data).hexdigest(), len(data), decode_bytes(data))


@dataclass(frozen=True)
class Inspection:
    """What one file's bytes tell, without its text: what a worker process sends back."""

    source_file: str
    sha256: str
    n_bytes: int
    encoding: str | None
    problem: str | None
    note: str | None
    inferred: dict[str, Any]


def inspect_file(raw: Path, source_file: str) -> Inspection:
    """Read, hash and decode one file, and infer its metadata from the text."""
    raw_file = read_raw_file(raw, source_file)
    decoded = raw_file.decoded
    inferred = infer_metadata(decoded.text) if decoded.text else {}
    return Inspection(source_file, raw_file.sha256, raw_file.n_bytes, decoded.encoding, decoded.problem,
                      decoded.note, inferred)


def inspect_batch(raw: str, source_files: list[str]) -> list[Inspection]:
    """`inspect_file` over a batch, the unit of work of a worker process."""
    return [inspect_file(Path(raw), f) for f in source_files]


def inventory_row(inspection: Inspection, manifest_entry: dict[str, Any] | None,
                  duplicate_of: str | None) -> dict[str, Any]:
    """One `reports` row: manifest metadata first, what the text tells where the manifest is silent."""
    entry = dict(manifest_entry or {})
    problem = inspection.problem or (f"a byte-identical duplicate of {duplicate_of}" if duplicate_of else None)
    row: dict[str, Any] = {
        "report_id": entry.get("report_id") or report_id_for(inspection.source_file),
        "source_file": inspection.source_file,
        "sha256": inspection.sha256,
        "n_bytes": inspection.n_bytes,
        "encoding": inspection.encoding,
        "status": "quarantined" if problem else "ok",
        "reason": problem,
        "note": inspection.note,
        "source_url": entry.get("source_url"),
        "metadata_source": "manifest" if manifest_entry is not None else "inferred",
    }
    for field in METADATA_FIELDS:
        row[field] = entry.get(field, inspection.inferred.get(field))
    if row["region_level"] is None:
        row["region_level"] = region_level(row["region"])
    return row


def build_inventory(raw: Path, cache: Path | None = None) -> pl.DataFrame:
    """The `reports` rows for every file in `raw` (texts are read again, per batch, by normalize).

    Files are inspected in batches across worker processes; duplicates are then decided in path
    order, so the first of two identical files is the one kept. With a `cache`, a file whose size
    and mtime are unchanged since it was last inspected is not read again (`watch.trusted`), which
    keeps a re-run over a large, mostly unchanged folder cheap. Raises `ManifestError` for a
    malformed manifest and `RawFolderError` for a missing folder: both are mistakes to fix before
    anything can be trusted.
    """
    manifest = load_manifest(raw, cache=cache.with_name("manifest-cache.json") if cache else None)
    files = list_raw_files(raw)
    known = _read_cache(cache)
    stats = {f: os.stat(os.path.join(raw, f)) for f in files}
    reused = {f: known[f][1] for f in files
              if f in known and trusted(known[f][0], stats[f].st_size, stats[f].st_mtime_ns)}
    todo = [f for f in files if f not in reused]
    started_ns = time.time_ns()
    jobs = [(str(raw), b) for b in batches(todo, INSPECT_BATCH)]
    computed = {i.source_file: i for part in run_batches(inspect_batch, jobs) for i in part}
    if cache is not None and (todo or len(reused) != len(known)):
        states = {f: FileState(sha256=computed[f].sha256, size=stats[f].st_size, mtime_ns=stats[f].st_mtime_ns,
                               hashed_ns=started_ns) for f in todo}
        _write_cache(cache, {**{f: known[f] for f in reused}, **{f: (states[f], computed[f]) for f in todo}})
    rows: list[dict[str, Any]] = []
    first_with_hash: dict[str, str] = {}
    for inspection in (reused.get(f) or computed[f] for f in files):
        duplicate_of = first_with_hash.get(inspection.sha256) if inspection.sha256 else None
        if inspection.sha256 and duplicate_of is None:
            first_with_hash[inspection.sha256] = inspection.source_file
        rows.append(inventory_row(inspection, manifest.get(inspection.source_file), duplicate_of))
    frame = pl.DataFrame(rows, schema=REPORT_COLUMNS) if rows else pl.DataFrame(schema=REPORT_COLUMNS)
    duplicated_ids = frame.filter(pl.col("report_id").is_duplicated())["report_id"].unique().to_list()
    if duplicated_ids:
        raise ValueError(f"report ids {duplicated_ids} are used by more than one file: give each its own "
                         "report_id in the manifest")
    return frame


def _read_cache(cache: Path | None) -> dict[str, tuple[FileState, Inspection]]:
    """The inspections of the previous run, if made by the same code."""
    if cache is None or not cache.is_file():
        return {}
    try:
        doc = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # a damaged cache only costs a re-read
    if doc.get("code_version") != code_version():
        return {}
    out = {}
    for f, (state, inspection) in doc["files"].items():
        if inspection["inferred"].get("publish_date"):
            inspection["inferred"]["publish_date"] = dt.date.fromisoformat(inspection["inferred"]["publish_date"])
        out[f] = (FileState(**state), Inspection(**inspection))
    return out


def _write_cache(cache: Path, entries: dict[str, tuple[FileState, Inspection]]) -> None:
    # vars(), not dataclasses.asdict: asdict deep-copies every field (0.6 s for 10,000 files).
    doc = {"code_version": code_version(),
           "files": {f: [state, vars(inspection)] for f, (state, inspection) in sorted(entries.items())}}
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_suffix(".tmp")
    tmp.write_text(json.dumps(doc, ensure_ascii=False, default=str), encoding="utf-8")
    tmp.replace(cache)
