"""A snapshot of the asset graph (keys, groups, kinds, deps, checks, descriptions), as Dagster's own
open platform keeps one: an accidental change to the graph shows in review as a diff of the JSON.

After an intended change: `UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/test_asset_graph.py`.
"""

from __future__ import annotations

import json
import os

from tests.conftest import ROOT, all_defs

SNAPSHOT = ROOT / "tests" / "snapshots" / "asset_graph.json"


def graph_snapshot() -> dict:
    graph = all_defs().resolve_asset_graph()
    out = {}
    for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        node = graph.get(key)
        out[key.to_user_string()] = {
            "group": node.group_name,
            "kinds": sorted(node.kinds),
            "deps": sorted(k.to_user_string() for k in node.parent_keys),
            "checks": sorted(c.name for c in node.check_keys),
            "description": node.description,
        }
    return out


def test_asset_graph_matches_snapshot() -> None:
    current = graph_snapshot()
    if os.environ.get("UPDATE_SNAPSHOTS") or not SNAPSHOT.exists():
        SNAPSHOT.write_text(json.dumps(current, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert json.loads(SNAPSHOT.read_text(encoding="utf-8")) == current


def test_graph_reads_as_the_data_flows() -> None:
    groups = {key: node["group"] for key, node in graph_snapshot().items()}
    order = ["ingest", "normalize", "extract", "validate", "publish"]
    for key, node in graph_snapshot().items():
        for dep in node["deps"]:
            assert order.index(groups[dep]) <= order.index(groups[key]), (dep, key)
