"""The whole graph over the seed reports, in a real Dagster instance, into a real DuckDB file."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from tests.conftest import ROOT, all_defs


def _run_all(instance: dg.DagsterInstance, tags: dict[str, str] | None = None) -> dg.ExecuteInProcessResult:
    defs = all_defs()
    job = defs.resolve_implicit_global_asset_job_def()
    result = job.execute_in_process(instance=instance, tags=tags)
    assert result.success
    return result


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One build of the seeds, shared by the read-only tests below."""
    tmp = tmp_path_factory.mktemp("e2e")
    raw, warehouse, home = tmp / "raw", tmp / "warehouse", tmp / "home"
    raw.mkdir()
    home.mkdir()
    for path in (ROOT / "raw").iterdir():
        (raw / path.name).write_bytes(path.read_bytes())
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GOVREPORT_RAW", str(raw))
        mp.setenv("GOVREPORT_WAREHOUSE", str(warehouse))
        mp.setenv("GOVREPORT_WORKERS", "2")
        with dg.instance_for_test(temp_dir=str(home)) as instance:
            first = _run_all(instance)
            first_bytes = _parquet_bytes(warehouse)
            second = _run_all(instance)
            facts_meta = _latest_metadata(instance, "facts")
            yield {"warehouse": warehouse, "raw": raw, "first": first, "second": second,
                   "first_bytes": first_bytes, "second_bytes": _parquet_bytes(warehouse),
                   "facts_meta": facts_meta}


def _parquet_bytes(warehouse: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((warehouse / "parquet").glob("*.parquet"))}


def _latest_metadata(instance: dg.DagsterInstance, key: str) -> dict:
    event = instance.get_latest_materialization_event(dg.AssetKey(key))
    assert event is not None
    return {k: v.value for k, v in event.asset_materialization.metadata.items()}


def _sql(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse / "govreport.duckdb"), read_only=True) as con:
        return con.sql(sql).fetchall()


def test_reports_table_shows_the_five_seeds(built: dict) -> None:
    rows = _sql(built["warehouse"], "select report_id, region, review_year, plan_year, status from reports "
                                    "order by report_id")
    assert [r[0][:3] for r in rows] == ["000", "001", "002", "003", "004"]
    assert all(r[4] == "ok" for r in rows)
    assert rows[3][1:4] == ("青岛市", 2023, 2024)


def test_the_duckdb_command_reads_the_warehouse(built: dict) -> None:
    """The README's first query, with the `duckdb` command the project installs (duckdb-cli)."""
    cli = Path(sys.executable).with_name("duckdb")
    proc = subprocess.run([str(cli), "-readonly", "-csv", str(built["warehouse"] / "govreport.duckdb"),
                           "select report_id, region, review_year, plan_year, status from reports"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert '003_fac0b31ba6ba339c,"青岛市",2023,2024,ok' in proc.stdout.splitlines()


def test_qingdao_gdp_of_2023_and_target_of_2024(built: dict) -> None:
    rows = _sql(built["warehouse"], """
        select metric, value, unit, bound, status, period from facts
        where report_id = '003_fac0b31ba6ba339c' and indicator_code = 'gdp' order by span_start""")
    assert ("level", 15760.34, "亿元", "eq", "actual", 2023) in rows
    assert ("growth", 5.9, "%", "eq", "actual", 2023) in rows
    assert ("growth", 5.5, "%", "approx", "target", 2024) in rows


def test_target_vs_actual_2023_gdp_met(built: dict) -> None:
    rows = _sql(built["warehouse"], """
        select target_value, target_bound, actual_value, met from target_vs_actual
        where region = '青岛市' and indicator_code = 'gdp' and metric = 'growth' and year = 2023""")
    assert rows == [(5.5, "approx", 5.9, True)]


def test_every_fact_traces_to_its_text(built: dict) -> None:
    numeral = "[0-9零〇一二两三四五六七八九十百千万亿首半]"
    bad = _sql(built["warehouse"], f"""
        with spans as (select f.fact_id, f.evidence,
                              substr(d.text, f.span_start + 1, f.span_end - f.span_start) as span
                       from facts f join documents d using (report_id))
        select fact_id from spans where not contains(evidence, span) or not regexp_matches(span, '{numeral}')""")
    assert bad == []


def test_documents_sentences_and_edits_are_published(built: dict) -> None:
    roles = dict(_sql(built["warehouse"], "select section_role, count(*) from sentences group by 1"))
    assert set(roles) == {"review", "targets", "tasks", "other"}
    spam = _sql(built["warehouse"], "select raw_text from normalization_edits where kind = 'spam'")
    assert spam and all("4399" in r[0] for r in spam)


def test_same_inputs_same_bytes_and_second_run_reuses_everything(built: dict) -> None:
    assert built["first_bytes"].keys() == built["second_bytes"].keys()
    for name, data in built["first_bytes"].items():
        if name != "quarantine.parquet":  # carries the run id
            assert data == built["second_bytes"][name], name
    normalize_meta = built["second"].asset_materializations_for_node("normalize")[0].metadata
    assert normalize_meta["reports_reused"].value == 5 and normalize_meta["reports_computed"].value == 0
    validated = next(m for m in built["second"].asset_materializations_for_node("validate")
                     if m.asset_key == dg.AssetKey("validated_tables")).metadata
    assert validated["n_quarantined"].value == 0 and validated["reports_skipped"].value == 5
    # A table validation left whole is its input's file, linked rather than written again.
    assets = built["warehouse"] / ".work" / "assets"
    for name in ("documents", "sentences", "normalization_edits", "facts"):
        assert (assets / "validated_tables" / f"{name}.parquet").samefile(assets / name / "frame.parquet"), name


def test_facts_asset_shows_the_gold_score(built: dict) -> None:
    meta = built["facts_meta"]
    assert meta["gold_strict_f1"] >= 0.95 and meta["gold_lenient_f1"] >= 0.97
    assert meta["dagster/row_count"] > 100


def test_readme_sql_examples_run(built: dict) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    queries = re.findall(r"```sql\n(.*?)```", readme, flags=re.S)
    assert 3 <= len(queries) <= 6
    for sql in queries:
        assert _sql(built["warehouse"], sql), sql


def test_a_run_failing_between_two_stored_tables_leaves_nothing_stale(seed_raw: dict[str, Path],
                                                                      instance: dg.DagsterInstance) -> None:
    """Normalize stores `documents`, then `sentences`. When storing `sentences` fails after a report
    changed, the next run must not keep that report's sentences of the run before (its ledger would
    vouch for them): every sentence is again the text at its offsets, the new text included."""
    from pipeline.lib.paths import asset_dir

    assert _run_all(instance).success
    victim = sorted(seed_raw["raw"].glob("*.txt"))[1]
    added = "全市新增测试企业4321家。"
    victim.write_text(added + "\n" + victim.read_text(encoding="utf-8"), encoding="utf-8")  # every offset moves
    blocker = asset_dir("sentences").with_name("sentences.tmp")
    blocker.write_text("not a folder: storing `sentences` fails")
    job = all_defs().resolve_implicit_global_asset_job_def()
    assert not job.execute_in_process(instance=instance, raise_on_error=False).success
    blocker.unlink()
    assert _run_all(instance).success
    warehouse = seed_raw["warehouse"]
    report_id = victim.stem
    mismatched = _sql(warehouse, f"""
        select count(*) from sentences s join documents d using (report_id)
        where report_id = '{report_id}' and substr(d.text, s.char_start + 1, s.char_end - s.char_start) <> s.text""")
    assert mismatched == [(0,)]
    assert _sql(warehouse, f"select count(*) from sentences where report_id = '{report_id}' and text = '{added}'") \
        == [(1,)]
    facts = _sql(warehouse, f"select value from facts where report_id = '{report_id}' and evidence like '%测试企业%'")
    assert facts == [(4321.0,)]
