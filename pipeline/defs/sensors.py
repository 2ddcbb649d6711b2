"""A sensor on the raw folder: drop a report into `raw/` and the warehouse refreshes itself.

Each tick compares the folder with the state in the cursor (path → sha256, with size and mtime so
unchanged files are not read again; see `pipeline/lib/watch.py`). A new, changed or removed file
asks for one `refresh_warehouse` run, which recomputes only the reports that changed; an unchanged
folder, or one whose files were merely touched, asks for nothing and says so.
"""

import dagster as dg

from pipeline.defs.jobs import refresh_warehouse
from pipeline.lib import watch
from pipeline.lib.paths import raw_dir

MINIMUM_INTERVAL_SECONDS = 5


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
    state = watch.scan(raw, cursor.files)
    changes = watch.compare(cursor.files, state)
    if not changes:
        # Keep the fresh sizes and mtimes all the same, so touched files are not hashed again next tick.
        return dg.SensorResult(
            skip_reason=f"No file of {raw} was added, changed or removed since the last run request "
                        f"({len(state)} file(s) watched).",
            cursor=watch.Cursor(files=state, generation=cursor.generation).dumps(),
        )
    nxt = watch.Cursor(files=state, generation=cursor.generation + 1)
    context.log.info(f"raw folder {raw} changed ({changes.summary()}): requesting a warehouse refresh")
    return dg.SensorResult(
        run_requests=[dg.RunRequest(
            run_key=nxt.run_key(),
            tags={"govreport/raw_changes": changes.summary()[:200]},
        )],
        cursor=nxt.dumps(),
    )
