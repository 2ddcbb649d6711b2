"""A sensor on the raw folder: drop a report into `raw/` and the warehouse refreshes itself.

Each tick scans the folder into a state (path → sha256, with size and mtime so unchanged files are
not read again; see `pipeline/lib/watch.py`) and compares its content hash with the one in the
cursor. A new, changed or removed file asks for one `refresh_warehouse` run, which recomputes only
the reports that changed; an unchanged folder, or one whose files were merely touched, asks for
nothing and says so. The per-file state is kept in a file in the Dagster instance's storage folder
(the cursor itself stays a few bytes), so a restart of `dagster dev` does not re-hash
the corpus.
"""

from pathlib import Path

import dagster as dg

from pipeline.defs.jobs import refresh_warehouse
from pipeline.lib import watch
from pipeline.lib.paths import raw_dir

MINIMUM_INTERVAL_SECONDS = 5


def state_file(instance: dg.DagsterInstance) -> Path:
    """Where the sensor keeps the per-file state of the raw folder: in the instance's storage folder
    (`$DAGSTER_HOME/storage`, git-ignored when DAGSTER_HOME is the repository root), beside the
    run history it belongs with."""
    return Path(instance.storage_directory()) / "raw_folder_sensor_state.json"


@dg.sensor(
    job=refresh_warehouse,
    minimum_interval_seconds=MINIMUM_INTERVAL_SECONDS,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Watches the raw folder (GOVREPORT_RAW, default raw/): a new, changed (by content hash) or "
                "removed file starts a `refresh_warehouse` run; an unchanged folder starts nothing.",
)
def raw_folder_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult | dg.SkipReason:
    raw = raw_dir()
    if not raw.is_dir():
        return dg.SkipReason(f"The raw folder {raw} does not exist: create it, or set GOVREPORT_RAW to the "
                             f"folder that holds the report files.")
    cursor = watch.Cursor.loads(context.cursor)
    path = state_file(context.instance)
    saved = watch.load_state(path, raw)
    state = watch.scan(raw, saved)
    digest = watch.state_hash(state)
    if state != saved:
        watch.save_state(path, raw, state)  # new hashes, or fresh mtimes of touched files
    if digest == cursor.state_hash:
        return dg.SkipReason(f"No file of {raw} was added, changed or removed since the last run request "
                             f"({len(state)} file(s) watched).")
    # The saved state tells which files changed when it is the one the cursor acted on.
    before = saved if watch.state_hash(saved) == cursor.state_hash else None
    summary = watch.compare(before, state).summary() if before is not None else "content changed"
    nxt = watch.Cursor(state_hash=digest, generation=cursor.generation + 1)
    context.log.info(f"raw folder {raw} changed ({summary}): requesting a warehouse refresh")
    return dg.SensorResult(
        run_requests=[dg.RunRequest(run_key=nxt.run_key(), tags={"govreport/raw_changes": summary[:200]})],
        cursor=nxt.dumps(),
    )
