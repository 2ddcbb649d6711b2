"""Publishing: the warehouse's contents, its views, same bytes run after run, and the atomic swap.

A publish killed or failing half-way must leave the previous warehouse readable and unchanged;
that is tested with an exception at the last step and with a real SIGKILL of a publishing process.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import polars as pl
import pyarrow.parquet as pq
import pytest

import pipeline.lib.publish as publish
from pipeline.lib.frames import report_hashes
from pipeline.lib.publish import BUILDS_DIR, PublishError, publish_warehouse, remove_stale_builds
from pipeline.lib.validate import validate_tables
from schemas.docs import DATA_DICTIONARY_PATH, render_markdown
from schemas.tables import TABLES
from tests.warehouse_fixtures import PLAN_2024, WORK_2023, source_tables

ROOT = Path(__file__).resolve().parents[1]
VIEWS = ("target_vs_actual", "indicator_series")

# The questions users ask, as the README can show them (each one's answer is checked below).
EXAMPLES = {
    "targets_vs_results": """
        select indicator_code, metric, year, target_value, target_bound, actual_value, met
        from target_vs_actual where region = '青岛市' and year = 2023 order by indicator_code, metric""",
    "one_indicator_across_reports": """
        select period, status, value, unit, bound, report_ids
        from indicator_series where region = '青岛市' and indicator_code = 'gdp' and metric = 'growth'
        order by period, status""",
    "every_fact_of_a_sentence": f"""
        select f.indicator_code, f.metric, f.value, f.unit, f.status, f.period, s.text
        from facts f join sentences s using (report_id, sentence_id)
        where f.report_id = '{PLAN_2024}' and f.sentence_id = 1 order by f.span_start""",
    "quarantine_by_check": """
        select "table", "check", count(*) as n from quarantine group by all order by all""",
}


def _published(tmp_path: Path, tables: dict[str, pl.DataFrame] | None = None,
               name: str = "warehouse") -> publish.PublishResult:
    tables = tables or source_tables()
    result = validate_tables(tables, "run-1")
    return publish_warehouse({**result.tables, "quarantine": result.quarantine}, tmp_path / name,
                             known_hashes=result.report_hashes)  # as the pipeline does


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One warehouse for the read-only tests; its 2024 GDP target is misread (5000%) and quarantined."""
    tables = source_tables()
    tables["facts"] = _with_misread_target(tables["facts"])
    return _published(tmp_path_factory.mktemp("shared"), tables).warehouse


@pytest.fixture
def fresh(shared: Path, tmp_path: Path) -> Path:
    """A private copy of the shared warehouse (links and all) at `tmp_path / "warehouse"`."""
    return Path(shutil.copytree(shared, tmp_path / "warehouse", symlinks=True))


def _current_build(warehouse: Path) -> Path:
    return Path(os.path.realpath(warehouse / ".current"))


def _n_facts(warehouse: Path) -> int:
    return _query(warehouse, "select count(*) from facts")[0][0]


def _snapshot(warehouse: Path) -> dict[str, str]:
    """Hash of every file a reader reaches through the published paths."""
    files = [*sorted((warehouse / "parquet").glob("*.parquet")), warehouse / "govreport.duckdb"]
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def _query(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse / "govreport.duckdb"), read_only=True) as con:
        return con.sql(sql).fetchall()


def test_every_table_and_view_is_published_with_descriptions(shared: Path) -> None:
    wh = shared
    assert {p.stem for p in (wh / "parquet").glob("*.parquet")} == {*TABLES}
    meta = pq.read_metadata(wh / "parquet" / "facts.parquet")
    assert meta.row_group(0).column(0).compression == "ZSTD"
    schema = pq.read_schema(wh / "parquet" / "facts.parquet")
    assert schema.metadata[b"govreport.description"].decode() == TABLES["facts"].model.to_schema().description
    assert schema.field("evidence").metadata[b"description"].decode().startswith("The clause")
    tables = dict(_query(wh, "select table_name, table_type from information_schema.tables"))
    assert {t: k for t, k in tables.items()} == {
        name: ("VIEW" if spec.kind == "view" else "BASE TABLE") for name, spec in TABLES.items()}
    comments = _query(wh, "select comment from duckdb_tables() where table_name = 'facts'")
    assert comments == [(TABLES["facts"].model.to_schema().description,)]
    missing = _query(wh, "select table_name, column_name from duckdb_columns() where not internal and comment is null")
    assert missing == []


def test_duckdb_types_and_comments_match_the_data_dictionary(shared: Path) -> None:
    wh = shared
    actual = set(_query(wh, "select table_name, column_name, data_type, comment from duckdb_columns() "
                            "where not internal"))
    documented = set(_query(wh, "select table_name, column_name, column_type, description from data_dictionary"))
    assert actual == documented


def test_target_vs_actual_gives_the_spec_example(shared: Path) -> None:
    wh = shared
    rows = _query(wh, """select target_value, target_bound, target_report_id, actual_value, actual_status,
                                actual_report_id, met
                         from target_vs_actual where region = '青岛市' and indicator_code = 'gdp'
                         and metric = 'growth' and year = 2023""")
    assert rows == [(5.5, "approx", WORK_2023, 5.9, "actual", PLAN_2024, True)]
    met = dict(_query(wh, "select indicator_code, met from target_vs_actual where year = 2023"))
    # cpi is lower-is-better: 0.2 against 3 approx is met; 4.5 against 5 ge is not; 4.8 within 4.5—5 is
    assert met == {"gdp": True, "cpi": True, "fixed_asset_investment": False, "new_urban_jobs": True,
                   "foreign_trade": None}
    assert _query(wh, "select target_value_high, target_bound_high from target_vs_actual "
                      "where indicator_code = 'new_urban_jobs'") == [(5.0, "le")]
    parquet = pl.read_parquet(wh / "parquet" / "target_vs_actual.parquet")
    view = pl.DataFrame(_query(wh, "select * from target_vs_actual"), schema=parquet.columns, orient="row")
    assert parquet.rows() == view.rows()


def test_met_respects_bounds_direction_and_units() -> None:
    from pipeline.lib.warehouse_views import derive_views

    tables = source_tables()
    facts = tables["facts"].with_columns(
        # the 2023 trade target becomes a base 1 万亿元 target; 2023's result is 0.95 万亿 = 9500 亿元
        pl.when(pl.col("fact_id") == "f005").then(pl.lit(False)).otherwise(pl.col("stretch")).alias("stretch"))
    result = facts.filter(pl.col("fact_id") == "f005").with_columns(
        fact_id=pl.lit("f900"), report_id=pl.lit(PLAN_2024), sentence_id=pl.lit(1, dtype=pl.Int64),
        status=pl.lit("actual"),
        value=pl.lit(0.95), unit=pl.lit("万亿元"), value_base=pl.lit(0.95e12), bound=pl.lit("eq"))
    views = derive_views(tables["reports"], pl.concat([facts, result]), tables["indicators"])
    row = views["target_vs_actual"].filter(pl.col("indicator_code") == "foreign_trade").row(0, named=True)
    assert (row["target_value"], row["target_unit"], row["actual_unit"], row["met"]) == (9000.0, "亿元", "万亿元", True)
    # the same target, 'le' (not exceeding): now missed; and a unit that cannot be compared: unknown
    for bound, unit, base, met in (("le", "亿元", 9e11, False), ("gt", "家", None, None)):
        target = facts.with_columns(
            bound=pl.when(pl.col("fact_id") == "f005").then(pl.lit(bound)).otherwise(pl.col("bound")),
            unit=pl.when(pl.col("fact_id") == "f005").then(pl.lit(unit)).otherwise(pl.col("unit")),
            value_base=pl.when(pl.col("fact_id") == "f005").then(pl.lit(base)).otherwise(pl.col("value_base")))
        views = derive_views(tables["reports"], pl.concat([target, result]), tables["indicators"])
        assert views["target_vs_actual"].filter(pl.col("indicator_code") == "foreign_trade")["met"].to_list() == [met]


def test_examples_for_the_readme(shared: Path) -> None:
    wh = shared
    assert ("gdp", "growth", 2023, 5.5, "approx", 5.9, True) in _query(wh, EXAMPLES["targets_vs_results"])
    assert _query(wh, EXAMPLES["one_indicator_across_reports"]) == [
        (2023, "actual", 5.9, "%", "eq", [PLAN_2024]), (2023, "target", 5.5, "%", "approx", [WORK_2023])]
    rows = _query(wh, EXAMPLES["every_fact_of_a_sentence"])
    assert [r[:6] for r in rows] == [("gdp", "level", 15760.34, "亿元", "actual", 2023),
                                     ("gdp", "growth", 5.9, "%", "actual", 2023)]
    assert rows[0][6] == "全市实现地区生产总值15760.34亿元,同比增长5.9%。"
    assert _query(wh, EXAMPLES["quarantine_by_check"]) == [("facts", "growth_in_range", 1)]


def test_same_input_same_bytes(tmp_path: Path) -> None:
    first = _published(tmp_path, name="a")
    shuffled = {name: df.sample(fraction=1.0, shuffle=True, seed=3) for name, df in source_tables().items()}
    second = _published(tmp_path, shuffled, name="b")
    again = _published(tmp_path, name="a")  # republished in place
    for name in first.parquet:
        data = first.parquet[name].read_bytes()
        assert data == second.parquet[name].read_bytes(), name
        assert data == again.parquet[name].read_bytes(), name
    for name in TABLES:
        sql = f"select * from {name}"
        assert _query(first.warehouse, sql) == _query(second.warehouse, sql), name


def _without_report(tables: dict[str, pl.DataFrame], report_id: str) -> dict[str, pl.DataFrame]:
    return {name: df.filter(pl.col("report_id") != report_id) if "report_id" in df.columns else df
            for name, df in tables.items()}


def _sorted_rows(warehouse: Path, name: str) -> list[tuple]:
    order = ", ".join(f'"{c}"' for c in TABLES[name].sort_by)
    return _query(warehouse, f"select * from {name} order by {order}")


@pytest.mark.parametrize("one_by_one", [True, False], ids=["views_by_region", "views_whole"])
@pytest.mark.parametrize("change", ["value", "removed", "added", "report_row", "direction", "moved"])
def test_an_update_of_the_duckdb_file_holds_what_a_full_build_does(tmp_path: Path, change: str, one_by_one: bool,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """An update replaces the changed reports' rows and computes the views again only for their
    regions ("report_row": only a report's own row changed, its plan year, which decides the view),
    region by region or, past a number of regions, whole; a change of the dictionary ("direction",
    which decides `met`) computes them whole."""
    monkeypatch.setattr(publish, "_REGIONS_ONE_BY_ONE", 8 if one_by_one else 0)
    before = source_tables()
    if change == "added":
        before = _without_report(before, WORK_2023)
    after = source_tables()
    if change == "value":
        after["facts"] = after["facts"].with_columns(
            pl.when(pl.col("report_id") == PLAN_2024).then(pl.col("value") + 1).otherwise(pl.col("value")))
    if change == "removed":
        after = _without_report(after, WORK_2023)
    if change == "report_row":
        after["reports"] = after["reports"].with_columns(
            pl.when(pl.col("report_id") == PLAN_2024).then(pl.col("plan_year") + 1).otherwise(pl.col("plan_year")))
    if change == "moved":  # a report now of another region: both regions' view rows change
        for name in ("reports", "facts"):
            after[name] = after[name].with_columns(
                pl.when(pl.col("report_id") == WORK_2023).then(pl.lit("烟台市")).otherwise(pl.col("region"))
                .alias("region"))
    if change == "direction":
        after["indicators"] = after["indicators"].with_columns(
            direction=pl.when(pl.col("direction") == "lower").then(pl.lit("higher")).otherwise(pl.lit("lower")))
    _published(tmp_path, before, name="updated")
    updated = _published(tmp_path, after, name="updated")
    full = _published(tmp_path, after, name="full")
    replaced = 0 if change in ("report_row", "direction") else 1
    assert (updated.duckdb_build, updated.reports_replaced) == ("updated", replaced)
    if change == "report_row":
        assert _query(updated.warehouse, "select count(*) from target_vs_actual")[0][0] > 0
    assert full.duckdb_build == "full"
    for name in TABLES:
        assert _sorted_rows(updated.warehouse, name) == _sorted_rows(full.warehouse, name), name
    for name, path in full.parquet.items():
        assert updated.parquet[name].read_bytes() == path.read_bytes(), name


@pytest.mark.parametrize("broken", [False, True], ids=["all_valid", "a_fact_quarantined"])
def test_validation_hashes_what_publishing_would(tmp_path: Path, broken: bool) -> None:
    # Publishing takes validation's hashes of the tables it left whole instead of hashing them
    # again: they must be the hashes of the rows it publishes, and a table that lost rows has none.
    tables = source_tables()
    if broken:
        tables["facts"] = _with_misread_target(tables["facts"])
    result = validate_tables(tables, "run-1")
    own = pl.concat([report_hashes(name, publish.prepare_table(name, result.tables[name]))
                     for name in publish.PER_REPORT_TABLES])
    expected = own.filter(pl.col("table") != "facts") if broken else own
    assert result.report_hashes.sort("table", "report_id").equals(expected.sort("table", "report_id"))
    assert result.checks["facts"].passed is not broken


def _with_misread_target(facts: pl.DataFrame) -> pl.DataFrame:
    return facts.with_columns(
        pl.when(pl.col("fact_id") == "f011").then(pl.lit(5000.0)).otherwise(pl.col("value")).alias("value"))


def test_a_build_of_another_format_or_a_full_rebuild_is_not_updated(tmp_path: Path) -> None:
    first = _published(tmp_path)
    manifest = first.build / publish.BUILD_MANIFEST
    manifest.write_text(manifest.read_text().replace(publish.build_format(), "another-format"))
    assert _published(tmp_path).duckdb_build == "full"
    assert _published(tmp_path).duckdb_build == "updated"
    result = validate_tables(source_tables(), "run-1")
    again = publish_warehouse({**result.tables, "quarantine": result.quarantine}, tmp_path / "warehouse", reuse=False)
    assert again.duckdb_build == "full"


def test_a_published_file_written_to_since_is_rebuilt_not_updated(tmp_path: Path) -> None:
    first = _published(tmp_path)
    with duckdb.connect(str(first.duckdb_path)) as con:  # a user edits the published file
        con.execute("delete from facts where fact_id in (select fact_id from facts limit 3)")
    again = _published(tmp_path)
    assert again.duckdb_build == "full"
    assert _query(again.warehouse, "select count(*) from facts")[0][0] == again.row_counts["facts"]


def test_a_value_that_only_changes_sign_is_republished(tmp_path: Path) -> None:
    tables = source_tables()
    zero = tables["facts"]["fact_id"][0]
    def with_value(value: float) -> dict[str, pl.DataFrame]:
        facts = tables["facts"].with_columns(
            pl.when(pl.col("fact_id") == zero).then(pl.lit(value)).otherwise(pl.col("value")).alias("value"))
        return {**tables, "facts": facts}
    _published(tmp_path, with_value(0.0))
    updated = _published(tmp_path, with_value(-0.0))
    assert (updated.duckdb_build, updated.reports_replaced) == ("updated", 1)
    value = _query(updated.warehouse, f"select value from facts where fact_id = '{zero}'")[0][0]
    assert str(value) == "-0.0"


def test_failure_at_the_last_step_leaves_the_old_warehouse(fresh: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    wh = fresh
    before, n_facts = _snapshot(wh), _n_facts(wh)
    builds = set((wh / BUILDS_DIR).iterdir())

    def crash(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(publish, "_swap_in", crash)
    changed = source_tables()
    changed["facts"] = changed["facts"][:3]
    with pytest.raises(OSError, match="disk full"):
        _published(tmp_path, changed)
    assert _snapshot(wh) == before
    assert _n_facts(wh) == n_facts
    assert set((wh / BUILDS_DIR).iterdir()) == builds  # the failed build is gone


def test_a_view_that_breaks_its_schema_stops_the_publish(fresh: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    wh = fresh
    before = _snapshot(wh)
    monkeypatch.setitem(publish.VIEW_SQL, "indicator_series",
                        publish.VIEW_SQL["indicator_series"].replace("c.n_reports", "0 AS n_reports"))
    with pytest.raises(PublishError, match="indicator_series"):
        _published(tmp_path)
    assert _snapshot(wh) == before


KILLED_PUBLISH = """
import sys, time
from pathlib import Path
import pipeline.lib.publish as publish
from tests.warehouse_fixtures import source_tables

written = []
original = publish.write_parquet

def slow_write(name, df, path):
    original(name, df, path)
    written.append(name)
    if len(written) == 3:  # half-way: some files of the new build exist, the swap has not happened
        Path(sys.argv[2]).write_text("paused")
        time.sleep(120)

publish.write_parquet = slow_write
tables = source_tables()
tables["facts"] = tables["facts"][:2]
publish.publish_warehouse(tables, Path(sys.argv[1]))
"""


def test_killed_publish_leaves_the_old_warehouse_and_is_cleaned_up(fresh: Path, tmp_path: Path) -> None:
    wh, old_build = fresh, _current_build(fresh)
    before, n_facts = _snapshot(wh), _n_facts(wh)
    marker = tmp_path / "paused"
    proc = subprocess.Popen([sys.executable, "-c", KILLED_PUBLISH, str(wh), str(marker)], cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert proc.poll() is None, "the publishing process died early"
            assert time.monotonic() < deadline, "the publishing process never got half-way"
            time.sleep(0.05)
        half_built = set((wh / BUILDS_DIR).iterdir())
        assert len(half_built) == 2  # the current build and the one in progress
        assert _snapshot(wh) == before  # mid-publish, readers see the old warehouse
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert _snapshot(wh) == before
    assert _n_facts(wh) == n_facts
    # the next run cleans the killed run's build and publishes
    killed = half_built - {old_build}
    assert killed and all(p.exists() for p in killed)
    result = _published(tmp_path)
    assert set((wh / BUILDS_DIR).iterdir()) == {old_build, result.build}  # current and previous
    assert _n_facts(wh) == 12


def test_stale_builds_are_removed_and_two_are_kept(fresh: Path, tmp_path: Path) -> None:
    first_build = _current_build(fresh)
    stale = fresh / BUILDS_DIR / "20000101T000000-1-deadbeef"
    (stale / "parquet").mkdir(parents=True)
    (fresh / ".current.0badf00d.tmp").symlink_to(stale.name)
    second = _published(tmp_path)
    assert set((second.warehouse / BUILDS_DIR).iterdir()) == {first_build, second.build}
    assert not stale.exists() and not (fresh / ".current.0badf00d.tmp").is_symlink()
    assert os.path.realpath(second.warehouse / "parquet") == str(second.build / "parquet")
    assert os.path.realpath(second.warehouse / ".previous") == str(first_build)
    assert remove_stale_builds(second.warehouse) == []


def test_first_publish_over_an_old_style_warehouse(tmp_path: Path) -> None:
    wh = tmp_path / "warehouse"
    (wh / "parquet").mkdir(parents=True)
    (wh / "parquet" / "facts.parquet").write_bytes(b"old")
    (wh / "govreport.duckdb").write_bytes(b"old")
    (wh / ".work").mkdir()
    (wh / ".work" / "cache.bin").write_bytes(b"keep me")
    result = _published(tmp_path)
    assert (wh / "parquet").is_symlink() and (wh / "govreport.duckdb").is_symlink()
    assert _query(wh, "select count(*) from facts") == [(12,)]
    assert (wh / ".work" / "cache.bin").read_bytes() == b"keep me"
    assert result.n_bytes["facts"] == (wh / "parquet" / "facts.parquet").stat().st_size


def test_publish_refuses_an_incomplete_set_of_tables(tmp_path: Path) -> None:
    tables = source_tables()
    del tables["sentences"]
    with pytest.raises(PublishError, match="sentences"):
        publish_warehouse(tables, tmp_path / "warehouse")
    assert not (tmp_path / "warehouse").exists()


def test_empty_tables_publish_with_their_schema(tmp_path: Path) -> None:
    empty = {name: df.clear() for name, df in source_tables().items()}
    result = publish_warehouse(empty, tmp_path / "warehouse")
    assert result.row_counts["facts"] == 0 and result.row_counts["target_vs_actual"] == 0
    assert pl.read_parquet(result.parquet["quarantine"]).columns == list(
        TABLES["quarantine"].model.to_schema().columns)


def test_data_dictionary_page_is_up_to_date() -> None:
    assert DATA_DICTIONARY_PATH.read_text(encoding="utf-8") == render_markdown(), (
        "schemas/DATA_DICTIONARY.md is stale: run `.venv/bin/python -m schemas.docs`")
