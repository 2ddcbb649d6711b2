"""The user's story, in a real browser: materialize everything, read the facts, drop in a new report.

Starts `dagster dev` (webserver and daemon) on 127.0.0.1 with a temporary DAGSTER_HOME, raw folder
(a copy of the seeds and manifest) and warehouse, and drives Debian's Chromium with Playwright:
open the asset graph, click "Materialize all", wait for the run to succeed, find the facts
asset's row count on its page, then copy a new report into the raw folder and see
`raw_folder_sensor` start a run that adds it to `reports`. Screenshots of each step go to
`test-artifacts/browser/` with the server's log, so a failure in CI can be looked at.

Skipped only on a machine without /usr/bin/chromium and without `CI` set; in CI it must run
(`.ci/install-browser` installs Chromium).
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.browser_helpers import CHROMIUM, CHROMIUM_ARGS, DagsterDev, group_alive, wait_for
from tests.conftest import ROOT

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "test-artifacts" / "browser"
SERVER_TIMEOUT = 150  # s: three Python processes load the code on a small CI machine
RUN_TIMEOUT = 240  # s: a whole-graph run, possibly queued behind the sensor's first run
NEW_REPORT = "005_yantai_plan_report.txt"


def require_chromium() -> None:
    """Skip without a browser on a developer's machine; never in CI, where it must be installed."""
    if CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but {CHROMIUM} is missing: `sh .ci/install-browser` installs it")
    pytest.skip(f"{CHROMIUM} is absent (install it with `sh .ci/install-browser`)")


@pytest.fixture
def folders(tmp_path: Path) -> dict[str, Path]:
    """A temporary Dagster home (the project's dagster.yaml), raw folder (the seeds) and warehouse."""
    home, raw, warehouse = tmp_path / "dagster_home", tmp_path / "raw", tmp_path / "warehouse"
    home.mkdir()
    shutil.copy(ROOT / "dagster.yaml", home / "dagster.yaml")
    (home / ".nux").mkdir()
    (home / ".nux" / "nux.yaml").write_text("seen: 1\n")  # no "join the community" pop-up over the graph
    shutil.copytree(ROOT / "raw", raw)
    return {"home": home, "raw": raw, "warehouse": warehouse}


@pytest.fixture
def server(folders: dict[str, Path]) -> Iterator[DagsterDev]:
    """`dagster dev` over the temporary folders; everything it started is gone afterwards."""
    require_chromium()
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    env = {**os.environ, "DAGSTER_HOME": str(folders["home"]), "GOVREPORT_RAW": str(folders["raw"]),
           "GOVREPORT_WAREHOUSE": str(folders["warehouse"])}
    dev = DagsterDev(ROOT, env, ARTIFACTS / "dagster-dev.log")
    try:
        yield dev
    finally:
        dev.stop()
        assert not group_alive(dev.proc.pid), "dagster dev left processes behind"


class Screenshots:
    """Numbered full-page screenshots, so the artifacts read in the order of the story."""

    def __init__(self, page: Page, folder: Path) -> None:
        self.page, self.folder, self.n = page, folder, 0

    def __call__(self, name: str) -> None:
        self.n += 1
        self.page.screenshot(path=str(self.folder / f"{self.n:02d}-{name}.png"), full_page=True)


def row_count_on_page(page: Page) -> int:
    """The "Row count" the asset page shows (from the `dagster/row_count` metadata)."""
    page.get_by_text("Row count", exact=True).first.wait_for()
    def probe() -> int | None:
        match = re.search(r"Row count\s+([\d,]+)", page.inner_text("body"))
        return int(match.group(1).replace(",", "")) if match else None
    return wait_for("the row count on the asset page", probe, timeout=30)


def show_run(page: Page, server: DagsterDev, run: dict[str, Any]) -> None:
    """Open a run's page and wait for its event log to reach the run's last event."""
    page.goto(f"{server.base}/runs/{run['runId']}")
    final_event = {"SUCCESS": "RUN_SUCCESS", "FAILURE": "RUN_FAILURE", "CANCELED": "RUN_CANCELED"}[run["status"]]
    page.get_by_text(final_event, exact=True).first.wait_for()


def test_materialize_all_then_the_sensor_adds_a_new_report(server: DagsterDev, folders: dict[str, Path]) -> None:
    from playwright.sync_api import sync_playwright

    started = time.monotonic()
    server.wait_ready(SERVER_TIMEOUT)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.set_default_timeout(60_000)
        shot = Screenshots(page, ARTIFACTS)
        try:
            # The asset graph, with its groups, and "Materialize all".
            page.goto(f"{server.base}/asset-groups")
            materialize_all = page.get_by_role("button", name="Materialize all")
            materialize_all.wait_for()
            for group in ("ingest", "normalize", "extract"):
                page.get_by_text(group, exact=True).first.wait_for()
            page.get_by_text("fetching statuses").first.wait_for(state="detached")
            page.keyboard.press("Alt+KeyE")  # the graph's "Expand all groups", to show every asset
            for asset in ("reports", "documents", "sentences", "facts"):
                page.get_by_text(asset, exact=True).first.wait_for()
            shot("asset-graph")

            known = {run["runId"] for run in server.runs()}
            materialize_all.click()
            launched = wait_for("the run launched by Materialize all", lambda: next(
                (r for r in server.runs() if r["runId"] not in known and r["tags"].get("dagster/from_ui")), None),
                timeout=60)
            shot("materialize-all-clicked")
            run = server.wait_run_finished("the Materialize all run to finish",
                                           lambda r: r["runId"] == launched["runId"], RUN_TIMEOUT)
            show_run(page, server, run)
            shot("materialize-all-run")
            assert run["status"] == "SUCCESS", server.run_failure_messages(run["runId"]) + server.log_tail()

            # The facts asset shows its row count, the one its latest materialization recorded.
            expected_facts = server.row_count("facts")
            assert expected_facts, "the facts asset recorded no dagster/row_count"
            page.goto(f"{server.base}/assets/facts")
            shown_facts = row_count_on_page(page)
            shot("facts-asset")
            assert shown_facts == expected_facts

            # A new report dropped into the raw folder: the sensor's run adds it to `reports`.
            n_reports = server.row_count("reports")
            seed = folders["raw"] / "003_fac0b31ba6ba339c.txt"
            text = seed.read_text(encoding="utf-8").replace("青岛", "烟台")
            assert text != seed.read_text(encoding="utf-8")
            known = {run["runId"] for run in server.runs()}
            (folders["raw"] / NEW_REPORT).write_text(text, encoding="utf-8")
            sensor_run = server.wait_run_finished(
                f"raw_folder_sensor's run for {NEW_REPORT}",
                lambda r: r["runId"] not in known and r["tags"].get("dagster/sensor_name") == "raw_folder_sensor",
                RUN_TIMEOUT)
            assert NEW_REPORT in sensor_run["tags"].get("govreport/raw_changes", ""), sensor_run["tags"]
            page.goto(f"{server.base}/locations/pipeline.definitions/sensors/raw_folder_sensor")
            page.get_by_text("raw_folder_sensor").first.wait_for()
            page.get_by_text("Loading ticks").first.wait_for(state="detached")
            shot("sensor")
            show_run(page, server, sensor_run)
            shot("sensor-run")
            assert sensor_run["status"] == "SUCCESS", (server.run_failure_messages(sensor_run["runId"])
                                                       + server.log_tail())
            assert server.row_count("reports") == n_reports + 1
            # Only the new report was normalized; the others' rows were reused.
            assert server.latest_int("documents", "reports_computed") == 1
            page.goto(f"{server.base}/assets/reports")
            shown_reports = row_count_on_page(page)
            shot("reports-asset")
            assert shown_reports == n_reports + 1
        except BaseException:
            shot("failure")
            raise
        finally:
            browser.close()
            print(f"browser test took {time.monotonic() - started:.0f} s")
