"""The data team's path in the Dagster UI, in headless Chromium: `make ui` on a free port, the
full refresh launched as a person would (Jobs page: `refresh`, then `Materialize all`, no
partition to choose), its success, and a published warehouse that is the new one.

Before: a refresh recorded in the same Dagster instance, as `make run` leaves it; starting the UI
must not launch a run by itself (the FAP file sensor ticks and finds every export loaded).

AUTONOMY_UI_SCREENSHOTS=docs/screenshots writes the README's screenshots (ui_*.png) on the way.
"""

import os
import re
import shutil
import signal
import tempfile
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from conftest import PROJECT
from dagster._core.scheduler.instigation import TickStatus
from ui_helpers import STOP_SECONDS, dev_sessions, session_pids, start_ui, stop_ui, wait_until_serving

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.e2e]

RUN_SECONDS = 900  # a full refresh takes 60-120 s alone, up to several minutes on a shared machine
SENSOR_SECONDS = 180


def _published_run(warehouse: Path) -> dict[str, str]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return dict(con.execute("SELECT key, value FROM meta.refresh").fetchall())


def _finished_ticks(instance: dg.DagsterInstance, name: str) -> list:
    states = [s for s in instance.all_instigator_state() if s.instigator_name == name]
    ticks = [tick for state in states for tick in instance.get_ticks(state.instigator_origin_id, state.selector_id)]
    return [tick for tick in ticks if tick.status != TickStatus.STARTED]


def _driver(browser):
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must not download anything
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    from dagster_project.reports.browser import CHROMIUM_FLAGS

    chromium, driver_path = browser
    profile = tempfile.mkdtemp(prefix="autonomy-ui-chromium-")
    options = Options()
    options.binary_location = chromium
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--window-size=1400,900"):
        options.add_argument(flag)
    return webdriver.Chrome(options=options, service=Service(executable_path=driver_path)), profile


def _wait(driver, find, what: str, timeout: float = 60.0):
    """Poll `find(driver)` until it returns something truthy (the UI renders asynchronously)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            found = find(driver)
        except Exception:  # a stale or not yet rendered element: look again
            found = None
        if found:
            return found
        time.sleep(0.5)
    raise AssertionError(f"not found within {timeout:.0f} s: {what}; page {driver.current_url}:\n{driver.page_source[-1500:]}")


def _by_text(tag: str, text: str):
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By

    def find(driver):
        for element in driver.find_elements(By.TAG_NAME, tag):
            try:
                if element.is_displayed() and element.text.strip() == text:
                    return element
            except StaleElementReferenceException:  # re-rendered while we looked: the next poll sees the new one
                continue
        return None

    return find


def _skip_community_dialog(driver, seconds: float = 5.0) -> None:
    """Dagster asks once per browser to join its community (a newsletter): Skip, as a person would.
    It shows about 1 s after the page on an idle machine, later on a loaded one: look for a while."""
    deadline = time.monotonic() + seconds
    while (skip := _by_text("button", "Skip")(driver)) is None and time.monotonic() < deadline:
        time.sleep(0.5)
    if skip is not None:
        skip.click()
        _wait(driver, lambda d: _by_text("button", "Skip")(d) is None, "the community dialog closed", 15)


def _click(driver, find, what: str, timeout: float = 60.0):
    """Click what `find` returns. A dialog that opens late (the community one) and takes the click
    is skipped first, as a person would, then the click is made again."""
    from selenium.common.exceptions import ElementClickInterceptedException, StaleElementReferenceException

    deadline = time.monotonic() + timeout
    while True:
        element = _wait(driver, find, what, max(1.0, deadline - time.monotonic()))
        try:
            element.click()
            return element
        except (ElementClickInterceptedException, StaleElementReferenceException):
            if time.monotonic() > deadline:
                raise
            _skip_community_dialog(driver, seconds=1.0)


def _screenshot(driver, name: str) -> None:
    folder = os.environ.get("AUTONOMY_UI_SCREENSHOTS")
    if folder:
        path = Path(folder)
        path = path if path.is_absolute() else PROJECT / path
        path.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(path / name))


def test_full_refresh_launched_from_the_ui_in_two_clicks(published_deployment, browser):
    # What `make run` leaves: a warehouse, and in DAGSTER_HOME its run, every export recorded as loaded.
    paths, home, first = published_deployment
    assert first.published, first.render()
    before = _published_run(paths.warehouse)
    assert before["run_id"] == first.run_id

    process, port, log = start_ui(home)
    sessions: set[int] = set()
    driver, profile = None, None
    try:
        wait_until_serving(process, port, log)
        sessions = dev_sessions(process.pid)
        with dg.DagsterInstance.get() as instance:
            deadline = time.monotonic() + SENSOR_SECONDS
            # A tick is recorded as STARTED while the sensor evaluates; judge only finished ticks.
            while not (ticks := _finished_ticks(instance, "fap_monthly_files")) and time.monotonic() < deadline:
                time.sleep(2)
            assert ticks, f"the fap_monthly_files sensor did not finish a tick within {SENSOR_SECONDS} s"
            assert all(t.status == TickStatus.SKIPPED for t in ticks), [(t.status, t.run_ids) for t in ticks]
            assert [r.run_id for r in instance.get_runs()] == [first.run_id]  # starting the UI launched nothing

        driver, profile = _driver(browser)
        base = f"http://127.0.0.1:{port}"
        driver.get(f"{base}/jobs")  # the README's address
        _skip_community_dialog(driver)
        clicks = 0
        _click(driver, _by_text("a", "refresh"), "the refresh job in the Jobs list")
        clicks += 1
        _wait(driver, _by_text("button", "Materialize all"), "Materialize all on the refresh job")
        time.sleep(2)  # the asset graph finishes loading (the button reads it)
        _screenshot(driver, "ui_refresh_job.png")
        _click(driver, _by_text("button", "Materialize all"), "Materialize all on the refresh job")
        clicks += 1
        assert clicks <= 2
        # No partition dialog: the run is launched at once, and a toast says so.
        view = _wait(driver, _by_text("a", "View"), "the 'Launched run' notice with its View link", 60)
        assert not _by_text("button", "Launch backfill")(driver)
        run_id = re.search(r"/runs/([0-9a-f-]{36})", view.get_attribute("href")).group(1)
        driver.get(f"{base}/runs/{run_id}")
        status = _wait(
            driver,
            lambda d: next(
                (t for t in ("Success", "Failure", "Canceled") if _by_text("div", t)(d) or _by_text("span", t)(d)), None
            ),
            "the run's final status",
            RUN_SECONDS,
        )
        assert status == "Success", log.read_text(errors="replace")[-4000:]
        if os.environ.get("AUTONOMY_UI_SCREENSHOTS"):  # the finished run, not the page as it updated live
            driver.refresh()
            _wait(driver, lambda d: _by_text("div", "Success")(d) or _by_text("span", "Success")(d), "the status", 60)
            time.sleep(3)
            _screenshot(driver, "ui_refresh_success.png")
        # The FAP months: one partition per export, each with the file it was loaded from.
        driver.get(f"{base}/assets/raw/fap/monthly_exports?view=partitions")
        _click(driver, _by_text("div", "2024-12"), "the FAP months as partitions")
        _wait(driver, lambda d: "sha256" in d.find_element("tag name", "body").text, "the month's sha256", 60)
        assert "fap_2024-12.csv" in driver.find_element("tag name", "body").text
        _screenshot(driver, "ui_fap_months.png")

        os.kill(process.pid, signal.SIGTERM)
        process.wait(timeout=STOP_SECONDS)
        assert all(session_pids(sid) == [] for sid in sessions)
    finally:
        if driver is not None:
            driver.quit()
            shutil.rmtree(profile, ignore_errors=True)
        stop_ui(process, sessions)

    after = _published_run(paths.warehouse)
    assert after["run_id"] == run_id != before["run_id"]
    assert after["published_at"] >= before["published_at"]
    with dg.DagsterInstance.get() as instance:
        run = instance.get_run_by_id(run_id)
        assert run.job_name == "refresh" and run.status == dg.DagsterRunStatus.SUCCESS
        assert run.tags.get("dagster/from_ui") == "true" and not any(k.startswith("dagster/partition") for k in run.tags)
        assert len(instance.get_runs()) == 2  # the refresh before, the one from the UI: none from the sensor
