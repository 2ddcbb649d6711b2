"""Make `spawn` the default multiprocessing start method of every Python process that finds this file.

Used only by `benchmarks/run.py --mp-start spawn`, which puts this folder on the PYTHONPATH of the
pipeline run. Why: a process pool forked from a process whose polars thread pool is running can
deadlock in its first polars call (polars warns about it: the child inherits locks held by threads
that do not exist in it). With the in-process Dagster executor, `pipeline/lib/batch.py`'s
`ProcessPoolExecutor` forks from the Dagster process, and the workers hang. This shows what the
pipeline costs once its pool is given a spawn context, before that change is made in the pipeline.
"""

import multiprocessing

multiprocessing.set_start_method("spawn", force=True)
