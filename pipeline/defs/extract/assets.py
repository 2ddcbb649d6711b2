"""Extract: the indicator facts read from the sentences, scored against gold where it exists (issue 4)."""

import shutil

import dagster as dg
import polars as pl

from pipeline.defs.cache_policy import reuse_cached
from pipeline.defs.metadata import table_metadata
from pipeline.lib.batch import clear_ledger, read_previous, write_ledger
from pipeline.lib.dictionary import indicators_frame
from pipeline.lib.paths import asset_dir, gold_dir, ledger_path, parts_dir
from pipeline.lib.stages import extract_reports


@dg.asset(
    group_name="extract",
    kinds={"polars"},
    description="One row per quantitative statement about an indicator: subject, dictionary code, metric, "
                "signed value, unit, bound, stretch, status and period, with the offsets of the number in "
                "the normalized text and the clause it was read from.",
)
def facts(context: dg.AssetExecutionContext, reports: pl.DataFrame, documents: pl.LazyFrame,
          sentences: pl.LazyFrame):
    previous = None if not reuse_cached(context) else read_previous(asset_dir("facts")).get("frame")
    parts, ledger = parts_dir("extract"), ledger_path("extract")
    run = extract_reports(reports, documents, sentences, previous, ledger, parts, ledger_path("normalize"))
    frame = run.tables["facts"]  # a scan of the batches' parts and the kept rows: streamed to its file
    context.log.info(f"extracted facts of {run.n_computed} report(s), reused {run.n_reused} unchanged")
    extra: dict = {"reports_computed": run.n_computed, "reports_reused": run.n_reused,
                   "facts_with_code": frame.select(pl.col("indicator_code").is_not_null().sum()).collect().item()}
    gold = gold_dir()
    if gold.is_dir():
        from pipeline.lib.evaluate import score_facts

        score = score_facts(frame, reports, gold)  # reads only the facts of reports with gold
        if score.get("reports"):
            for mode in ("strict", "lenient"):
                for k in ("precision", "recall", "f1"):
                    extra[f"gold_{mode}_{k}"] = round(float(score[mode][k]), 4)
            extra["gold_reports_scored"] = len(score["reports"])
    clear_ledger(ledger)  # the stored table changes from here on: see `stages`
    yield dg.Output(frame, metadata=table_metadata(frame, **extra))
    write_ledger(ledger, run.ledger)
    shutil.rmtree(parts)  # stored by now: Dagster stores an output as it is yielded


@dg.asset(
    group_name="extract",
    kinds={"polars"},
    description="The indicator dictionary (schemas/indicators.yaml): canonical codes, Chinese and English "
                "names, every alias that maps to a code, category, expected metrics and units.",
)
def indicators():
    frame = indicators_frame()
    return dg.MaterializeResult(value=frame, metadata=table_metadata(frame))
