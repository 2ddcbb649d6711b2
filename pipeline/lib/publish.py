"""Publishing: the warehouse users read, built beside the old one and swapped in whole.

Layout of `warehouse/` (SPEC's paths are the first two; they are symlinks that never change):

    parquet          -> .current/parquet
    govreport.duckdb -> .current/govreport.duckdb
    .current         -> .builds/<build id>     (the one atomic switch)
    .previous        -> .builds/<build id>     (kept for readers that are mid-read)
    .builds/<id>/    parquet/<table>.parquet, govreport.duckdb, BUILD.json
    .publish.lock    held (flock) by the one publisher at work

Why symlinks: the warehouse is several files (one Parquet per table and the DuckDB file) and
POSIX can swap only one name atomically. Every build is written complete into its own folder,
then one `os.replace` of the `.current` link switches all files at once. So a reader never sees a
half-written file nor a mix of two runs' files; a failed or killed run leaves the previous
warehouse exactly as it was (its build folder is never touched); the next run, holding the lock,
deletes whatever build is neither current nor previous (the leftovers of killed runs). `.work/`,
where other stages keep intermediate results, is left alone.

Same inputs, same bytes: rows are sorted by each table's `sort_by`, Parquet is written by one
polars version with fixed settings and no timestamps, and the build id never enters a file.
The DuckDB file holds the same rows (its bytes are DuckDB's business). Copying millions of rows
into DuckDB is most of a publish (~11 s at 10,000 reports), so when the previous build is of the
same format, its DuckDB file is copied and only the reports whose rows changed are deleted and
inserted (found by a hash of each report's rows, kept in the build as `report_hashes.parquet`):
the rows are then the same, but the changed reports' rows come last instead of in publishing
order; a full build (`reuse=False`, the `full_rebuild` job) writes them in order again.
"""

from __future__ import annotations

import collections
import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandera.polars as pa
import polars as pl
import pyarrow
from pandera.config import ValidationDepth, config_context

from pipeline.lib.frames import HASH_SCHEMA, Frame, changed_reports, report_hashes, row_group_rows, sorted_by
from pipeline.lib.validate import conform, empty_quarantine
from pipeline.lib.warehouse_views import VIEW_SQL
from schemas.docs import data_dictionary_frame
from schemas.tables import SOURCE_TABLES, TABLES

DUCKDB_NAME = "govreport.duckdb"
PARQUET_DIR = "parquet"
BUILDS_DIR = ".builds"
CURRENT = ".current"
PREVIOUS = ".previous"
LOCK_NAME = ".publish.lock"
# Written in a storage format that older readers open too: the `duckdb` command (duckdb-cli, one
# release behind the Python package) and the DuckDB of any user's notebook.
DUCKDB_STORAGE_VERSION = "v1.4.0"
# DuckDB's own memory while it builds the file (it spills to disk beyond it). Its default, 80 % of
# the machine's memory, let it keep every block it had written cached: +1.05 GB over the input
# tables at 10,000 reports, +0.75 GB with this limit, at the same speed (256 MB: slower).
DUCKDB_MEMORY_LIMIT = "512MB"
BUILD_MANIFEST = "BUILD.json"
REPORT_HASHES = "report_hashes.parquet"
# The tables whose rows belong to one report each: an update of the DuckDB file replaces the rows
# of the reports that changed. The others are small and are written whole every time.
PER_REPORT_TABLES = ("documents", "sentences", "normalization_edits", "facts")
# Pages of up to 4 MB: with polars' default (1 MB) zstd saw less of the documents' texts at once
# and their file was 23 MB instead of 15 MB at 10,000 (synthetic) reports.
PARQUET_OPTIONS = {"compression": "zstd", "compression_level": 3, "statistics": True, "data_page_size": 4 << 20}
# Tables DuckDB copies in with one thread: with two, each buffers its own share of the texts and
# the documents (~300 MB of text at 10,000 reports) took ~0.9 GB and longer (0.7 GB, 2.2 -> 1.7 s CPU).
ONE_THREAD_TABLES = {"documents"}


class PublishError(RuntimeError):
    """The warehouse could not be built; the previous one is untouched."""


class WarehouseLockedError(PublishError):
    """Another process is publishing to the same warehouse and did not finish in time."""


LOCK_WAIT_SECONDS = float(os.environ.get("GOVREPORT_LOCK_WAIT", "120"))


@dataclass(frozen=True)
class PublishResult:
    """Where the warehouse is and what it holds, for the run's metadata."""

    warehouse: Path
    build: Path
    duckdb_path: Path
    parquet: dict[str, Path]
    row_counts: dict[str, int]
    n_bytes: dict[str, int]
    duckdb_build: str = "full"  # or "updated": the previous file with the changed reports replaced
    reports_replaced: int | None = None  # reports whose rows the update deleted or inserted


def publish_warehouse(tables: dict[str, Frame], warehouse: Path, *, reuse: bool = True,
                      known_hashes: pl.DataFrame | None = None) -> PublishResult:
    """Publish every table (and the views) as Parquet and DuckDB, then swap the build in.

    `tables` holds the validated source tables (`reports`, `documents`, `sentences`,
    `normalization_edits`, `facts`, `indicators`) and optionally `quarantine` (an empty one is
    published otherwise, so the table always exists). Raises `PublishError` (or the underlying
    error) before the swap when anything fails; the previous warehouse then stays as it was.
    A table may be a LazyFrame (a scan of the validated Parquet): it is then read only when its
    turn comes and let go after, so that one table (two in an update) is in memory. With `reuse`, the
    DuckDB file is the previous build's with the changed reports' rows replaced, when that build
    is of the same format (see the module's docstring). `known_hashes` are `frames.report_hashes`
    of tables exactly as given (validation makes them of the tables it left whole): a per-report
    table found in it is not hashed again (~0.7 s at 10,000 reports).
    """
    frames = tables_to_publish(tables)
    warehouse = Path(warehouse)
    warehouse.mkdir(parents=True, exist_ok=True)
    with _publish_lock(warehouse):
        remove_stale_builds(warehouse)
        build = warehouse / BUILDS_DIR / f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        build.mkdir(parents=True)
        previous = _updatable_build(warehouse) if reuse else None
        try:
            row_counts, replaced = _build(frames, build, previous, known_hashes)
            _swap_in(warehouse, build)
        except BaseException:
            if not _is_current(warehouse, build):  # after the switch, the build *is* the warehouse
                shutil.rmtree(build, ignore_errors=True)
            raise
        remove_stale_builds(warehouse)
    parquet = {name: warehouse / PARQUET_DIR / f"{name}.parquet" for name in row_counts}
    return PublishResult(
        warehouse=warehouse,
        build=build,
        duckdb_path=warehouse / DUCKDB_NAME,
        parquet=parquet,
        row_counts=row_counts,
        n_bytes={name: (build / PARQUET_DIR / f"{name}.parquet").stat().st_size for name in row_counts},
        duckdb_build="full" if replaced is None else "updated",
        reports_replaced=replaced,
    )


def tables_to_publish(tables: dict[str, Frame]) -> dict[str, Frame]:
    """The tables to publish, in publishing order, plus the quarantine and the data dictionary.
    A missing source table is an error, not an empty table: a warehouse that silently lacks
    `facts` would look complete."""
    missing = [name for name in SOURCE_TABLES if name not in tables]
    if missing:
        raise PublishError(f"cannot publish without the table(s) {missing}")
    unknown = sorted(set(tables) - {*SOURCE_TABLES, "quarantine"})
    if unknown:
        raise PublishError(f"no schema for table(s) {unknown}; the views are made here, not passed in")
    frames = {name: tables[name] for name in SOURCE_TABLES}
    frames["quarantine"] = tables.get("quarantine", empty_quarantine())
    frames["data_dictionary"] = data_dictionary_frame()
    return frames


def prepare_table(name: str, frame: Frame) -> pl.DataFrame:
    """One table in the contract's columns, dtypes and row order."""
    df = frame.collect() if isinstance(frame, pl.LazyFrame) else frame
    return sort_rows(name, conform(name, df)[0])


def sort_rows(name: str, df: pl.DataFrame) -> pl.DataFrame:
    """Rows in the table's publishing order: the same rows always come out in the same order."""
    return sorted_by(df, list(TABLES[name].sort_by))


# --- building -----------------------------------------------------------------------------------


def _build(frames: dict[str, Frame], build: Path, previous: Path | None,
           known_hashes: pl.DataFrame | None = None) -> tuple[dict[str, int], int | None]:
    """Write the Parquet files and the DuckDB file of one build; return row counts and, when the
    DuckDB file was updated from `previous` (a build folder), how many reports were replaced.

    One table at a time: a writer thread writes its Parquet file while DuckDB (with its own
    threads) copies the same table in, and the next table is read only when both are done (in an
    update, the next one is read while the file of the one before is still being written).
    DuckDB reads the frame's own buffers (Arrow string views, no copy) and polars writes the
    Parquet file from them: at 10,000 reports the tables hold ~1 GB of text, and whole-table
    Arrow copies of it doubled the memory.
    """
    (build / PARQUET_DIR).mkdir()
    row_counts: dict[str, int] = {}
    db_path = build / DUCKDB_NAME
    old_hashes = None
    if previous is not None:
        shutil.copyfile(previous / DUCKDB_NAME, db_path)
        old_hashes = pl.read_parquet(previous / REPORT_HASHES)
    con = duckdb.connect(str(db_path), config={"storage_compatibility_version": DUCKDB_STORAGE_VERSION,
                                               "memory_limit": DUCKDB_MEMORY_LIMIT})
    # Parquet files written at once: one beside DuckDB's copy in a full build (each holds its table
    # in memory); two in an update, where DuckDB inserts a few rows and the writers would wait.
    in_flight = 1 if previous is None else 2
    writer = ThreadPoolExecutor(max_workers=in_flight, thread_name_prefix="parquet")
    pending: collections.deque[Future] = collections.deque()
    hashes: list[pl.DataFrame] = []
    replaced: set[str] = set()
    kept_whole: dict[str, pl.DataFrame] = {}  # reports and indicators, which the views read
    try:
        for name in VIEW_SQL if previous is not None else ():
            con.execute(f"DROP VIEW IF EXISTS {_ident(name)}")
        for name, frame in frames.items():
            df = prepare_table(name, frame)
            pending.append(writer.submit(write_parquet, name, df, build / PARQUET_DIR / f"{name}.parquet"))
            if name in PER_REPORT_TABLES:
                known = None if known_hashes is None else known_hashes.filter(pl.col("table") == name)
                hashes.append(report_hashes(name, df) if known is None or known.is_empty() else known.sort("report_id"))
            if old_hashes is not None and name in PER_REPORT_TABLES:
                changed = changed_reports(old_hashes.filter(pl.col("table") == name), hashes[-1])
                replaced |= set(changed.to_list())
                _replace_reports(con, name, df, changed)
            else:
                _create_table(con, name, df.to_arrow(compat_level=pl.CompatLevel.newest()))
            while len(pending) >= in_flight:
                pending.popleft().result()
            row_counts[name] = df.height
            if name in ("reports", "indicators"):
                kept_whole[name] = df
        regions = None if previous is None else _regions_to_update(previous, kept_whole, replaced)
        for name, sql in VIEW_SQL.items():
            con.execute("BEGIN TRANSACTION")
            con.execute(f"CREATE VIEW {name} AS {sql}")
            _comment(con, name, "VIEW")
            con.execute("COMMIT")
            rows = check_view(name, _view_rows(con, name, None if regions is None else (previous, regions)))
            pending.append(writer.submit(write_parquet, name, rows, build / PARQUET_DIR / f"{name}.parquet"))
            row_counts[name] = rows.height
        while pending:
            pending.popleft().result()
        con.execute("CHECKPOINT")
    finally:
        writer.shutdown(wait=True, cancel_futures=True)  # after a failure, the files not begun are not written
        con.close()
    pl.concat([pl.DataFrame(schema=HASH_SCHEMA), *hashes]).write_parquet(build / REPORT_HASHES)
    manifest = {"tables": {name: row_counts[name] for name in sorted(row_counts)}, "format": build_format(),
                "duckdb": "full" if previous is None else "updated", "duckdb_file": _file_stamp(db_path)}
    (build / BUILD_MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    for path in sorted(build.rglob("*")):
        if path.is_file():
            _fsync(path)
    _fsync(build / PARQUET_DIR)
    _fsync(build)
    return row_counts, None if previous is None else len(replaced)


# --- updating the previous DuckDB file ------------------------------------------------------------


def _regions_to_update(previous: Path, new: dict[str, pl.DataFrame], replaced: set[str]) -> set[str] | None:
    """The regions whose view rows an update must compute again: those of the reports whose rows
    it replaced, and of the reports whose own row changed (a publish date decides which report a
    view takes). None, every row computed, when the indicators changed (their direction decides
    `met` everywhere) or when the previous build cannot tell."""
    old_paths = {name: previous / PARQUET_DIR / f"{name}.parquet" for name in ("reports", "indicators")}
    if set(new) != set(old_paths) or not all(p.is_file() for p in old_paths.values()):
        return None
    if not pl.read_parquet(old_paths["indicators"]).equals(new["indicators"]):
        return None
    old, new_reports = pl.read_parquet(old_paths["reports"]), new["reports"]
    if old.schema != new_reports.schema:
        return None
    keys = list(old.columns)
    differ = pl.concat([new_reports.join(old, on=keys, how="anti", nulls_equal=True),
                        old.join(new_reports, on=keys, how="anti", nulls_equal=True)])
    ids = replaced | set(differ["report_id"].to_list())
    both = pl.concat([old.select("report_id", "region"), new_reports.select("report_id", "region")])
    return set(both.filter(pl.col("report_id").is_in(sorted(ids)) & pl.col("region").is_not_null())["region"])


_REGIONS_ONE_BY_ONE = 8  # beyond this many regions an update computes a view whole (~1.2 s at 10,000 reports)


def _view_rows(con: duckdb.DuckDBPyConnection, name: str, update: tuple[Path, set[str]] | None) -> pl.DataFrame:
    """A view's rows. In an update, the previous build's rows of the regions nothing changed in are
    kept and only the others' are computed: a view's rows of a region depend on that region's
    facts and reports alone (DuckDB pushes the region filter into the view: ~0.1 s instead of
    ~1.2 s per view at 10,000 reports)."""
    previous_file = None if update is None else update[0] / PARQUET_DIR / f"{name}.parquet"
    if update is None or not previous_file.is_file():
        return con.sql(f"SELECT * FROM {name}").pl()
    regions = sorted(update[1])
    kept = pl.read_parquet(previous_file).filter(~pl.col("region").is_in(regions))
    if not regions:
        return kept
    if len(regions) > _REGIONS_ONE_BY_ONE:
        fresh = con.sql(f"SELECT * FROM {name}").pl().filter(pl.col("region").is_in(regions))
    else:  # region = '…' is pushed into the view (0.1 s); an IN list is not (0.5–0.7 s)
        fresh = con.sql(" UNION ALL ".join(f"SELECT * FROM {name} WHERE region = {_sql_string(r)}"
                                           for r in regions)).pl()
    return pl.concat([kept, conform(name, fresh)[0].select(kept.columns)])


def build_format() -> str:
    """What a build's DuckDB file and report hashes depend on besides the rows: the libraries that
    write and hash them, the storage version, and every table's columns and dtypes. A previous
    build of another format is never updated, it is rebuilt."""
    tables = {name: [(c, str(col.dtype)) for c, col in spec.model.to_schema().columns.items()]
              for name, spec in TABLES.items()}
    text = json.dumps([pl.__version__, duckdb.__version__, DUCKDB_STORAGE_VERSION, tables, VIEW_SQL], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _updatable_build(warehouse: Path) -> Path | None:
    """The current build, if its DuckDB file can be updated in place of a full build."""
    current = warehouse / CURRENT
    if not current.is_symlink():
        return None
    build = warehouse / os.readlink(current)
    try:
        manifest = json.loads((build / BUILD_MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    usable = manifest.get("format") == build_format() and (build / REPORT_HASHES).is_file()
    # Someone who opened the published file read-write and changed it changed its size or time:
    # its rows are then not those the hashes describe.
    return build if usable and manifest.get("duckdb_file") == _file_stamp(build / DUCKDB_NAME) else None


def _file_stamp(path: Path) -> list[int] | None:
    """Size and modification time (ns) of a file, or None when it is missing."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return [stat.st_size, stat.st_mtime_ns]


def _replace_reports(con: duckdb.DuckDBPyConnection, name: str, df: pl.DataFrame, reports: pl.Series) -> None:
    """Delete the rows of `reports` from the table and insert their rows of `df`, in one transaction."""
    con.register("_changed", reports.to_frame("report_id").to_arrow())
    con.register("_incoming", df.filter(pl.col("report_id").is_in(reports.implode())).to_arrow(
        compat_level=pl.CompatLevel.newest()))
    try:
        con.execute("BEGIN TRANSACTION")
        con.execute(f"DELETE FROM {_ident(name)} WHERE report_id IN (SELECT report_id FROM _changed)")
        con.execute(f"INSERT INTO {_ident(name)} SELECT * FROM _incoming")
        _comment(con, name, "TABLE")
        con.execute("COMMIT")
    finally:
        con.unregister("_changed")
        con.unregister("_incoming")


def check_view(name: str, rows: pl.DataFrame) -> pl.DataFrame:
    """A view's rows in the contract's dtypes and order, validated against its model. The views are
    made from validated tables, so a failure here is a bug in the view: it stops the publish."""
    rows = sort_rows(name, conform(name, rows)[0])
    try:
        with config_context(validation_enabled=True, validation_depth=ValidationDepth.SCHEMA_AND_DATA):
            TABLES[name].model.to_schema().validate(rows, lazy=True)
    except pa.errors.SchemaErrors as err:
        raise PublishError(f"the view {name!r} breaks its schema:\n{err.failure_cases}") from err
    return rows


def _arrow_schema(name: str, df: pl.DataFrame) -> pyarrow.Schema:
    """The frame's Arrow schema with each column's description in its field metadata and the
    table's description in the schema metadata (both end up in the Parquet file's metadata)."""
    schema = TABLES[name].model.to_schema()
    fields = [field.with_metadata({b"description": (schema.columns[field.name].description or "").encode()})
              for field in df.head(0).to_arrow().schema]
    columns = {c: schema.columns[c].description for c in df.columns}
    metadata = {
        b"govreport.table": name.encode(),
        b"govreport.description": (schema.description or "").encode(),
        b"govreport.columns": json.dumps(columns, ensure_ascii=False).encode(),
    }
    return pyarrow.schema(fields, metadata=metadata)


def write_parquet(name: str, df: pl.DataFrame, path: Path) -> None:
    """One Parquet file, zstd, with descriptions; same frame → same bytes.

    Written by polars from the frame's own buffers, its columns encoded in parallel: at 10,000
    reports, pyarrow (one row group at a time, each turned into Arrow) took 1.4 s and +230 MB for
    the sentences, polars 0.55 s and +55 MB.
    """
    df.write_parquet(path, **PARQUET_OPTIONS, row_group_size=row_group_rows(name),
                     arrow_schema=_arrow_schema(name, df))


def _ident(name: str) -> str:
    """A quoted SQL identifier: the quarantine's `table`, `check` and `column` are SQL keywords."""
    return '"' + name.replace('"', '""') + '"'


def _sql_string(text: str | None) -> str:
    return "'" + (text or "").replace("'", "''") + "'"


def _create_table(con: duckdb.DuckDBPyConnection, name: str, table: pyarrow.Table) -> None:
    """The table and its comments, in one transaction (a commit per table: DuckDB then writes each
    table out and frees its memory, where one transaction for the whole build held all of it)."""
    con.register("_incoming", table)
    try:
        if name in ONE_THREAD_TABLES:
            con.execute("SET threads = 1")
        con.execute("BEGIN TRANSACTION")
        con.execute(f"DROP TABLE IF EXISTS {_ident(name)}")
        con.execute(f"CREATE TABLE {_ident(name)} AS SELECT * FROM _incoming")
        _comment(con, name, "TABLE")
        con.execute("COMMIT")
    finally:
        con.unregister("_incoming")
        if name in ONE_THREAD_TABLES:
            con.execute("RESET threads")


def _comment(con: duckdb.DuckDBPyConnection, name: str, kind: str) -> None:
    schema = TABLES[name].model.to_schema()
    statements = [f"COMMENT ON {kind} {_ident(name)} IS {_sql_string(schema.description)}"]
    statements += [f"COMMENT ON COLUMN {_ident(name)}.{_ident(column)} IS {_sql_string(col.description)}"
                   for column, col in schema.columns.items()]
    con.execute(";\n".join(statements))


# --- swapping -----------------------------------------------------------------------------------


@contextlib.contextmanager
def _publish_lock(warehouse: Path, wait: float | None = None) -> Iterator[None]:
    """One publisher at a time per warehouse; the kernel releases the lock if the run is killed.

    A publisher waits up to `wait` seconds (GOVREPORT_LOCK_WAIT, default 120) for another to finish,
    then gives up with an error that names the lock, rather than hang a run forever.
    """
    wait = LOCK_WAIT_SECONDS if wait is None else wait
    with open(warehouse / LOCK_NAME, "a+b") as handle:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise WarehouseLockedError(
                        f"another process is publishing to {warehouse} (it holds {warehouse / LOCK_NAME}) "
                        f"and did not finish within {wait:.0f} s: wait for that run to end, or stop it, "
                        "then run again") from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _point(link: Path, target: str) -> None:
    """Make `link` point to `target` in one atomic step (a new link renamed over the old name)."""
    tmp = link.with_name(f"{link.name}.{uuid.uuid4().hex[:8]}.tmp")
    os.symlink(target, tmp)
    os.replace(tmp, link)


def _is_current(warehouse: Path, build: Path) -> bool:
    current = warehouse / CURRENT
    return current.is_symlink() and Path(os.readlink(current)).name == build.name


def _swap_in(warehouse: Path, build: Path) -> None:
    """Make `build` the published warehouse. The switch is the `os.replace` of `.current`."""
    current = warehouse / CURRENT
    if current.is_symlink():
        _point(warehouse / PREVIOUS, os.readlink(current))
    _point(current, f"{BUILDS_DIR}/{build.name}")
    _fsync(warehouse)
    _ensure_entry_links(warehouse)


def _ensure_entry_links(warehouse: Path) -> None:
    """SPEC's paths as links through `.current`, made once. A warehouse published before links
    existed has a real `parquet/` folder: it is moved into a build folder of its own (the one
    moment, on the first publish only, when `parquet/` is briefly absent)."""
    for name in (PARQUET_DIR, DUCKDB_NAME):
        entry = warehouse / name
        target = f"{CURRENT}/{name}"
        if entry.is_symlink() and os.readlink(entry) == target:
            continue
        if entry.is_dir() and not entry.is_symlink():
            legacy = warehouse / BUILDS_DIR / f"legacy-{uuid.uuid4().hex[:8]}"
            legacy.mkdir(parents=True)
            os.replace(entry, legacy / name)
        _point(entry, target)
    _fsync(warehouse)


def remove_stale_builds(warehouse: Path) -> list[Path]:
    """Delete build folders that are neither current nor previous (left by failed or killed runs,
    or older than the previous one), and leftover temporary links. Call with the lock held."""
    keep = set()
    for link in (CURRENT, PREVIOUS):
        path = warehouse / link
        if path.is_symlink():
            keep.add(Path(os.readlink(path)).name)
    removed = []
    builds = warehouse / BUILDS_DIR
    for build in sorted(builds.iterdir()) if builds.is_dir() else []:
        if build.name not in keep:
            shutil.rmtree(build, ignore_errors=True)
            removed.append(build)
    for tmp in warehouse.glob("*.tmp"):
        if tmp.is_symlink():
            tmp.unlink()
    return removed


def _fsync(path: Path) -> None:
    """Flush a file or folder to disk, so a crash after the swap cannot expose an empty file."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
