"""The Dagster entry point: every asset, check, sensor and resource under `pipeline/defs/`."""

from functools import cache
from pathlib import Path

import dagster as dg


@dg.definitions
@cache
def defs() -> dg.Definitions:
    """Built once per process: the CLI and the run worker ask for the definitions several times in
    one run, and each build walks the defs folder and the installed component plugins again (~0.7 s)."""
    return dg.load_from_defs_folder(path_within_project=Path(__file__).parent)
