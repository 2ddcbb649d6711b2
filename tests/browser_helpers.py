"""Run `dagster dev` for a test and ask it questions: start, wait, query GraphQL, shut down.

Kept apart from the test so that the test reads as the user's story (open the graph, materialize,
look at facts, drop a report) and the plumbing — ports, process groups, polling — lives here.
Every wait is bounded and says what it was waiting for when it gives up.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TERMINAL = {"SUCCESS", "FAILURE", "CANCELED"}


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(what: str, probe: Callable[[], T | None], timeout: float, interval: float = 1.0,
             on_timeout: Callable[[], str] = lambda: "") -> T:
    """Call `probe` until it returns something truthy; fail naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up after {timeout:.0f} s waiting for {what}\n{on_timeout()}")
        time.sleep(interval)


class DagsterDev:
    """`dagster dev` (webserver + daemon) in its own process group, so it can all be stopped at once."""

    def __init__(self, cwd: Path, env: dict[str, str], log_path: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        dagster = Path(sys.executable).parent / "dagster"
        self._log = log_path.open("wb")
        self.proc = subprocess.Popen(
            [str(dagster), "dev", "-m", "pipeline.definitions", "-h", "127.0.0.1", "-p", str(self.port)],
            cwd=cwd, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
        )

    def log_tail(self, n: int = 40) -> str:
        """The last lines of the server's output, without Dagster's repeated warnings, for failure messages."""
        try:
            lines = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return ""
        lines = [line for line in lines if "component_tree" not in line and "code_location_name" not in line]
        return "--- dagster dev log (tail) ---\n" + "\n".join(lines[-n:])

    def wait_ready(self, timeout: float) -> None:
        """Until the webserver answers and the code location has loaded (its repository is listed)."""
        def probe() -> bool:
            if self.proc.poll() is not None:
                raise RuntimeError(f"dagster dev exited with code {self.proc.returncode}\n{self.log_tail()}")
            try:
                data = self.graphql("{ repositoriesOrError { ... on RepositoryConnection { nodes { name } } } }")
            except (OSError, ValueError):
                return False
            return bool((data.get("repositoriesOrError") or {}).get("nodes"))
        wait_for("dagster dev to answer on " + self.base, probe, timeout, on_timeout=self.log_tail)

    def graphql(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """POST a query to the webserver's GraphQL API and return its `data` (errors raise)."""
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        request = urllib.request.Request(f"{self.base}/graphql", data=body,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=15) as response:
            payload = json.load(response)
        if payload.get("errors"):
            raise ValueError(f"GraphQL errors: {payload['errors']}")
        return payload["data"]

    def runs(self) -> list[dict[str, Any]]:
        """Every run, newest first, with its status and tags as a dict."""
        data = self.graphql("{ runsOrError { ... on Runs { results { runId jobName status "
                            "tags { key value } } } } }")
        runs = data["runsOrError"]["results"]
        for run in runs:
            run["tags"] = {t["key"]: t["value"] for t in run["tags"]}
        return runs

    def wait_run_finished(self, what: str, pick: Callable[[dict[str, Any]], bool], timeout: float) -> dict[str, Any]:
        """The first run `pick` selects, once it has finished (success or not)."""
        def probe() -> dict[str, Any] | None:
            for run in self.runs():
                if pick(run) and run["status"] in TERMINAL:
                    return run
            return None
        return wait_for(what, probe, timeout, interval=2.0,
                        on_timeout=lambda: f"runs: {[(r['jobName'], r['status']) for r in self.runs()]}\n"
                                           + self.log_tail())

    def latest_int(self, asset: str, label: str) -> int | None:
        """An integer metadata entry of the asset's latest materialization (None if absent)."""
        data = self.graphql(
            "query($path: [String!]!) { assetOrError(assetKey: {path: $path}) { ... on Asset { "
            "assetMaterializations(limit: 1) { metadataEntries { label "
            "... on IntMetadataEntry { intValue } } } } } }", {"path": [asset]})
        events = (data.get("assetOrError") or {}).get("assetMaterializations") or []
        for entry in events[0]["metadataEntries"] if events else []:
            if entry["label"] == label:
                return int(entry["intValue"])
        return None

    def row_count(self, asset: str) -> int | None:
        """`dagster/row_count` of the asset's latest materialization (None if never materialized)."""
        return self.latest_int(asset, "dagster/row_count")

    def run_failure_messages(self, run_id: str) -> str:
        """The error events of a run, to say why it failed."""
        data = self.graphql(
            "query($id: ID!) { logsForRun(runId: $id) { ... on EventConnection { events { __typename "
            "... on MessageEvent { message level } } } } }", {"id": run_id})
        events = (data.get("logsForRun") or {}).get("events") or []
        return "\n".join(e.get("message", "") for e in events if e.get("level") in {"ERROR", "CRITICAL"})

    def stop(self, timeout: float = 20.0) -> None:
        """Ctrl-C the server (it then stops the webserver, daemon and runs); kill the group if it lingers."""
        pgid = self.proc.pid  # start_new_session: the group id is the leader's pid
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGINT)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=timeout)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)  # whatever is left of the group: code servers, run workers
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=10)
        deadline = time.monotonic() + 15  # killed processes take a moment to go
        while group_alive(pgid) and time.monotonic() < deadline:
            time.sleep(0.2)
        self._log.close()


def group_alive(pgid: int) -> bool:
    """Whether any process of the group is still running (zombies aside)."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False
