"""The Dagster definitions load, validate with Dagster's own CLI, and keep the graph we reviewed."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT, all_defs


def test_dagster_definitions_validate(tmp_path) -> None:
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path)}
    dagster = os.path.join(os.path.dirname(sys.executable), "dagster")
    proc = subprocess.run([dagster, "definitions", "validate", "-m", "pipeline.definitions"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_every_asset_has_a_group_and_a_description() -> None:
    defs = all_defs()
    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        assert node.group_name in {"ingest", "normalize", "extract", "validate", "publish"}, key
        assert node.description, key
