"""The warehouse's views, `target_vs_actual` and `indicator_series`, as DuckDB SQL.

One definition serves twice: `publish` creates them as views in `govreport.duckdb` (a user can read
the SQL with `select sql from duckdb_views()`), and materializes the same queries into Parquet
files and checks them against their pandera models. `derive_views` runs them on in-memory frames
for callers that want the rows without publishing.

How one value is chosen where several reports give one (documented in the data dictionary):
- `target_vs_actual`: the target comes from a report whose `plan_year` is the year; among several,
  a report with a base (non-stretch) target first, then the work report (its 主要预期目标 are the
  adopted ones) before the plan report, the infographic and the bulletin, then the latest
  `publish_date`. The result comes from a report whose `review_year` is the year; `actual` before
  `estimate`, then the statistical bulletin (the final figure) before the plan report, the work
  report and the infographic, then the latest `publish_date`.
- `indicator_series`: the report published last (by `publish_date`, then `plan_year`).
Within the chosen report: a base value before a stretch one (增长10%,力争12% → 10), then the
first in reading order; a `ge`/`gt` and a `le`/`lt` value of one sentence make a range
(增长4.5%—5% → 4.5 … 5).

`met` respects the bound: eq/approx → result ≥ target where more is better and ≤ where less is
(the dictionary's `direction`, default `higher`); ge/gt/le/lt as written; a range → within it.
Values are compared in the same unit, or in the base unit when only that is shared
(1.5 万亿元 vs 15000 亿元); otherwise `met` is null. A relative tolerance of 1e-9 absorbs the
floating-point noise of unit conversions, so 5.5 vs 5.5 is met for `ge` and not for `gt`.
"""

from __future__ import annotations

import duckdb
import polars as pl

_TOLERANCE = 1e-9
_TARGET_TYPE_RANK = (
    "CASE report_type WHEN 'work_report' THEN 0 WHEN 'plan_report' THEN 1 WHEN 'infographic' THEN 2 ELSE 3 END"
)
_RESULT_TYPE_RANK = (
    "CASE report_type WHEN 'statistical_bulletin' THEN 0 WHEN 'plan_report' THEN 1 "
    "WHEN 'work_report' THEN 2 ELSE 3 END"
)

_FACTS = """
facts_in_reports AS (
    SELECT f.fact_id, f.report_id, f.sentence_id, f.span_start, f.region, f.indicator_code, f.metric,
           f.value, f.unit, f.value_base, f.base_unit, f.bound, f.stretch, f.status, f.period, f.evidence,
           r.publish_date, r.review_year, r.plan_year, r.report_type
    FROM facts AS f JOIN reports AS r USING (report_id)
    WHERE f.indicator_code IS NOT NULL AND f.region IS NOT NULL
)"""


def _resolved(name: str, source: str, keys: str, report_order: str, fact_order: str = "") -> str:
    """CTEs that choose, per `keys`, one report (by `report_order` over per-report aggregates), then
    one value in it (base before stretch, then `fact_order`, then reading order), and pair it with
    the other end of a range in the same sentence. The last CTE is named `name`."""
    fact_order = f"{fact_order}, " if fact_order else ""
    return f"""
{name}_reports AS (
    SELECT {keys}, report_id,
           row_number() OVER (PARTITION BY {keys} ORDER BY {report_order}, report_id DESC) AS report_rank
    FROM {source} GROUP BY {keys}, report_id
),
{name}_facts AS (
    SELECT s.*, row_number() OVER (
               PARTITION BY {keys} ORDER BY s.stretch, {fact_order}s.sentence_id, s.span_start, s.fact_id
           ) AS fact_rank
    FROM {source} AS s JOIN {name}_reports AS rr USING ({keys}, report_id)
    WHERE rr.report_rank = 1
),
{name}_ends AS (
    SELECT *, row_number() OVER (PARTITION BY {keys}, side ORDER BY span_start, fact_id) AS side_rank
    FROM (
        SELECT c.*, CASE WHEN c.bound IN ('ge', 'gt') THEN 'low' ELSE 'high' END AS side
        FROM {name}_facts AS c
        JOIN (SELECT {keys}, sentence_id, stretch, unit FROM {name}_facts WHERE fact_rank = 1) AS p
            USING ({keys}, sentence_id, stretch, unit)
        WHERE c.bound IN ('ge', 'gt', 'le', 'lt')
    )
),
{name}_paired AS (
    SELECT p.*, lo.fact_id AS lo_fact_id, lo.value AS lo_value, lo.bound AS lo_bound,
           lo.value_base AS lo_value_base, lo.evidence AS lo_evidence,
           hi.value AS hi_value, hi.bound AS hi_bound, hi.value_base AS hi_value_base,
           p.bound IN ('ge', 'gt', 'le', 'lt') AND lo.fact_id IS NOT NULL AND hi.fact_id IS NOT NULL
               AND lo.value <= hi.value AS is_range
    FROM (SELECT * FROM {name}_facts WHERE fact_rank = 1) AS p
    LEFT JOIN (SELECT * FROM {name}_ends WHERE side = 'low' AND side_rank = 1) AS lo USING ({keys})
    LEFT JOIN (SELECT * FROM {name}_ends WHERE side = 'high' AND side_rank = 1) AS hi USING ({keys})
),
{name} AS (
    SELECT {keys}, report_id, unit, base_unit, stretch, status,
           CASE WHEN is_range THEN lo_value ELSE value END AS value,
           CASE WHEN is_range THEN lo_bound ELSE bound END AS bound,
           CASE WHEN is_range THEN hi_value END AS value_high,
           CASE WHEN is_range THEN hi_bound END AS bound_high,
           CASE WHEN is_range THEN lo_value_base ELSE value_base END AS value_base,
           CASE WHEN is_range THEN hi_value_base END AS value_base_high,
           CASE WHEN is_range THEN lo_fact_id ELSE fact_id END AS fact_id,
           CASE WHEN is_range THEN lo_evidence ELSE evidence END AS evidence
    FROM {name}_paired
)"""


SERIES_KEYS = "region, indicator_code, metric, period, status"
YEAR_KEYS = "region, indicator_code, metric, period"

INDICATOR_SERIES_SQL = f"""
WITH {_FACTS},
{_resolved("latest", "facts_in_reports", SERIES_KEYS,
           "max(publish_date) DESC NULLS LAST, max(plan_year) DESC NULLS LAST")},
givers AS (
    SELECT {", ".join(f"s.{k}" for k in SERIES_KEYS.split(", "))},
           list_sort(list_distinct(list(s.report_id))) AS report_ids
    FROM facts_in_reports AS s JOIN latest AS l USING ({SERIES_KEYS})
    WHERE s.value = l.value AND s.unit = l.unit
    GROUP BY ALL
),
counts AS (
    SELECT {SERIES_KEYS}, count(DISTINCT report_id) AS n_reports FROM facts_in_reports GROUP BY ALL
)
SELECT l.region, l.indicator_code, l.metric, l.period, l.status, l.value, l.bound, l.value_high, l.bound_high,
       l.unit, l.value_base, l.base_unit, l.stretch, l.report_id, l.fact_id, l.evidence, g.report_ids, c.n_reports
FROM latest AS l
JOIN givers AS g USING ({SERIES_KEYS})
JOIN counts AS c USING ({SERIES_KEYS})
ORDER BY l.region, l.indicator_code, l.metric, l.period, l.status
"""

# Compare in the shared unit, else in the shared base unit (1.5 万亿元 vs 15000 亿元), else not at all.
_SAME_BASE = "(a.base_unit = t.base_unit AND a.value_base IS NOT NULL AND t.value_base IS NOT NULL)"
_ACTUAL_VALUE = f"CASE WHEN a.unit = t.unit THEN a.value WHEN {_SAME_BASE} THEN a.value_base END"
_TARGET_VALUE = f"CASE WHEN a.unit = t.unit THEN t.value WHEN {_SAME_BASE} THEN t.value_base END"
_TARGET_HIGH = f"CASE WHEN a.unit = t.unit THEN t.value_high WHEN {_SAME_BASE} THEN t.value_base_high END"

TARGET_VS_ACTUAL_SQL = f"""
WITH {_FACTS},
target_facts AS (SELECT * FROM facts_in_reports WHERE status = 'target' AND plan_year = period),
result_facts AS (SELECT * FROM facts_in_reports WHERE status IN ('actual', 'estimate') AND review_year = period),
{_resolved("targets", "target_facts", YEAR_KEYS,
           f"bool_and(stretch), min({_TARGET_TYPE_RANK}), max(publish_date) DESC NULLS LAST")},
{_resolved("results", "result_facts", YEAR_KEYS,
           f"bool_and(status = 'estimate'), min({_RESULT_TYPE_RANK}), max(publish_date) DESC NULLS LAST",
           "s.status = 'estimate', s.bound NOT IN ('eq', 'approx')")},
joined AS (
    SELECT t.region, t.indicator_code, t.metric, t.period AS year,
           coalesce(i.direction, 'higher') AS direction,
           t.value AS target_value, t.bound AS target_bound,
           t.value_high AS target_value_high, t.bound_high AS target_bound_high,
           t.unit AS target_unit, t.stretch AS target_stretch, t.evidence AS target_evidence,
           t.report_id AS target_report_id,
           a.value AS actual_value, a.bound AS actual_bound, a.unit AS actual_unit, a.status AS actual_status,
           a.evidence AS actual_evidence, a.report_id AS actual_report_id,
           {_ACTUAL_VALUE} AS av,
           {_TARGET_VALUE} AS tv,
           {_TARGET_HIGH} AS tv_high
    FROM targets AS t
    LEFT JOIN results AS a USING ({YEAR_KEYS})
    LEFT JOIN indicators AS i USING (indicator_code)
)
SELECT region, indicator_code, metric, year, direction,
       target_value, target_bound, target_value_high, target_bound_high, target_unit, target_stretch,
       target_evidence, target_report_id,
       actual_value, actual_bound, actual_unit, actual_status, actual_evidence, actual_report_id,
       CASE
           WHEN av IS NULL OR tv IS NULL THEN NULL
           WHEN target_bound_high IS NOT NULL THEN
               (CASE WHEN target_bound = 'gt' THEN av > tv + eps ELSE av >= tv - eps END)
               AND (CASE WHEN target_bound_high = 'lt' THEN av < tv_high - eps_high ELSE av <= tv_high + eps_high END)
           WHEN target_bound IN ('eq', 'approx') AND direction = 'lower' THEN av <= tv + eps
           WHEN target_bound IN ('eq', 'approx') THEN av >= tv - eps
           WHEN target_bound = 'ge' THEN av >= tv - eps
           WHEN target_bound = 'gt' THEN av > tv + eps
           WHEN target_bound = 'le' THEN av <= tv + eps
           WHEN target_bound = 'lt' THEN av < tv - eps
       END AS met
FROM (
    SELECT *, {_TOLERANCE} * greatest(abs(tv), 1) AS eps, {_TOLERANCE} * greatest(abs(tv_high), 1) AS eps_high
    FROM joined
)
ORDER BY region, indicator_code, metric, year
"""

VIEW_SQL: dict[str, str] = {
    "target_vs_actual": TARGET_VS_ACTUAL_SQL,
    "indicator_series": INDICATOR_SERIES_SQL,
}


def derive_views(reports: pl.DataFrame, facts: pl.DataFrame, indicators: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """The views' rows computed from frames, with the same SQL the warehouse uses."""
    con = duckdb.connect(":memory:")
    try:
        if "direction" not in indicators.columns:
            indicators = indicators.with_columns(direction=pl.lit(None, dtype=pl.String))
        for name, df in (("reports", reports), ("facts", facts), ("indicators", indicators)):
            con.register(name, df.to_arrow())
        return {name: con.sql(sql).pl() for name, sql in VIEW_SQL.items()}
    finally:
        con.close()
