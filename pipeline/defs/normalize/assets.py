"""Normalize: clean text, sentences with sections, and every edit on record (issue 3)."""

import shutil

import dagster as dg
import polars as pl

from pipeline.defs.cache_policy import reuse_cached
from pipeline.defs.errors import user_errors
from pipeline.defs.metadata import table_metadata
from pipeline.lib.batch import clear_ledger, read_previous, write_ledger
from pipeline.lib.paths import asset_dir, ledger_path, parts_dir, raw_dir
from pipeline.lib.stages import NORMALIZED_TABLES, normalize_reports

_DESCRIPTIONS = {
    "documents": "The normalized full text of each usable report: widths folded, markup, web chrome, "
                 "page-break markers and scraper spam removed. Offsets in `sentences` and `facts` point here.",
    "sentences": "The normalized text cut into sentences, each with its exact offsets, its heading path "
                 "(`section_path`) and the role of its section (review, targets, tasks, other).",
    "normalization_edits": "Every change normalization made to the raw text (kind, raw offsets, raw text, "
                           "replacement): nothing of the raw text is lost.",
}


@dg.multi_asset(
    outs={name: dg.AssetOut(group_name="normalize", kinds={"polars"}, description=_DESCRIPTIONS[name])
          for name in NORMALIZED_TABLES},
    ins={"reports": dg.AssetIn()},
    name="normalize",
)
def normalize(context: dg.AssetExecutionContext, reports: pl.DataFrame):
    previous = {} if not reuse_cached(context) else {
        name: read_previous(asset_dir(name)).get("frame") for name in NORMALIZED_TABLES}
    parts, ledger = parts_dir("normalize"), ledger_path("normalize")
    with user_errors(context):
        run = normalize_reports(reports, raw_dir(), {k: v for k, v in previous.items() if v is not None},
                                ledger, parts)
    clear_ledger(ledger)  # the stored tables change from here on: see `stages`
    context.log.info(f"normalized {run.n_computed} report(s), reused {run.n_reused} unchanged")
    for name in NORMALIZED_TABLES:
        frame = run.tables[name]  # a scan of the batches' parts and the kept rows: streamed to its file
        extra = {"reports_computed": run.n_computed, "reports_reused": run.n_reused}
        if name == "sentences":
            roles = frame.group_by("section_role").len().sort("section_role").collect()
            extra["sentences_by_role"] = dg.MetadataValue.json(dict(roles.iter_rows()))
        if name == "normalization_edits":
            kinds = frame.group_by("kind").len().sort("kind").collect()
            extra["edits_by_kind"] = dg.MetadataValue.json(dict(kinds.iter_rows()))
        yield dg.Output(frame, output_name=name, metadata=table_metadata(frame, **extra))
    write_ledger(ledger, run.ledger)  # every output is stored by now
    shutil.rmtree(parts)  # every output is stored by now: Dagster stores each as it is yielded
