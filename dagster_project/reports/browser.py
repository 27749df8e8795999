"""Open every report in headless Chromium, as a reader would: no JavaScript error, every plotly
chart drawn, every link of the index reachable, and a full-page screenshot for a person to look at.

    python -m dagster_project.reports.browser [REPORTS_DIR]     (make check-reports)

Uses Debian's `chromium` and `chromium-driver` (nothing is downloaded): apt-get install chromium chromium-driver.
"""

from __future__ import annotations

import base64
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..settings import get_settings

SCREENSHOTS = "screenshots"
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--window-size=1280,1000",
)  # fmt: skip
# Installed before any page script runs: uncaught errors and rejected promises are recorded.
ERROR_HOOK = """
window.__reportErrors = [];
window.addEventListener('error', e => window.__reportErrors.push(String(e.message || e.type) + ' @ ' + (e.filename || '') + ':' + (e.lineno || '')));
window.addEventListener('unhandledrejection', e => window.__reportErrors.push('unhandled rejection: ' + String(e.reason)));
"""
PAGE_STATE = """
const main = document.querySelector('main');
const plots = [...document.querySelectorAll('.js-plotly-plot')];
return {
  ready: document.readyState,
  expected: main && main.dataset.charts !== undefined ? Number(main.dataset.charts) : -1,
  plots: plots.length,
  drawn: plots.filter(p => p.querySelector('.main-svg .trace') && p.querySelectorAll('.trace .point, .trace path').length > 0).length,
  errors: window.__reportErrors || [],
  links: [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href')),
};
"""


class BrowserMissing(RuntimeError):
    pass


@dataclass
class PageCheck:
    page: str
    expected_charts: int = -1
    drawn_charts: int = 0
    errors: list[str] = field(default_factory=list)
    broken_links: list[str] = field(default_factory=list)
    screenshot: Path | None = None

    @property
    def ok(self) -> bool:
        return (
            not self.errors and not self.broken_links and self.expected_charts >= 0 and self.drawn_charts == self.expected_charts
        )

    def render(self) -> str:
        status = "OK  " if self.ok else "FAIL"
        text = f"{status} {self.page}: {self.drawn_charts}/{self.expected_charts} charts drawn, screenshot {self.screenshot}"
        text += "".join(f"\n       JavaScript error: {e}" for e in self.errors)
        text += "".join(f"\n       broken link: {link}" for link in self.broken_links)
        return text


def find_browser() -> tuple[str, str]:
    """(chromium, chromedriver), from AUTONOMY_CHROMIUM / AUTONOMY_CHROMEDRIVER or the PATH."""
    settings = get_settings()
    chromium = settings.chromium or next(
        (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None
    )
    driver = settings.chromedriver or shutil.which("chromedriver")
    if not chromium or not driver:
        raise BrowserMissing(
            f"headless Chromium not found (chromium: {chromium or 'missing'}, chromedriver: {driver or 'missing'}); "
            "install the Debian packages: apt-get install -y chromium chromium-driver"
        )
    return chromium, driver


def check_reports(reports_dir: Path, screenshots_dir: Path | None = None, timeout: float = 30.0) -> list[PageCheck]:
    """Check every *.html of reports_dir; screenshots go to reports_dir/screenshots/<page>.png."""
    pages = sorted(reports_dir.glob("*.html"))
    if not pages:
        raise FileNotFoundError(f"no report (*.html) in {reports_dir}: run `make run` first")
    chromium, driver_path = find_browser()
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must not try to download anything
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    screenshots_dir = screenshots_dir or reports_dir / SCREENSHOTS
    screenshots_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="autonomy-chromium-") as profile:
        options = Options()
        options.binary_location = chromium
        for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}"):
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        driver = webdriver.Chrome(options=options, service=Service(executable_path=driver_path))
        try:
            driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": ERROR_HOOK})
            return [_check_page(driver, page, screenshots_dir, timeout) for page in pages]
        finally:
            driver.quit()


def _check_page(driver, page: Path, screenshots_dir: Path, timeout: float) -> PageCheck:
    check = PageCheck(page.name)
    driver.get(page.resolve().as_uri())
    deadline = time.monotonic() + timeout
    while True:  # plotly draws asynchronously after load
        state = driver.execute_script(PAGE_STATE)
        done = state["ready"] == "complete" and state["drawn"] >= state["expected"]
        if done or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    check.expected_charts, check.drawn_charts = state["expected"], state["drawn"]
    check.errors = list(state["errors"]) + [
        entry["message"] for entry in driver.get_log("browser") if entry.get("level") == "SEVERE"
    ]
    check.broken_links = [
        link for link in state["links"]
        if "://" not in link and not link.startswith("#") and not (page.parent / link.split("#")[0]).exists()
    ]  # fmt: skip
    check.screenshot = screenshots_dir / f"{page.stem}.png"
    _full_page_screenshot(driver, check.screenshot)
    return check


def _full_page_screenshot(driver, path: Path) -> None:
    size = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {"format": "png", "captureBeyondViewport": True,
         "clip": {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], 16000), "scale": 1}},
    )  # fmt: skip
    path.write_bytes(base64.b64decode(shot["data"]))


def main(argv: list[str] | None = None) -> int:
    from ..settings import get_settings

    argv = sys.argv[1:] if argv is None else argv
    reports_dir = Path(argv[0]) if argv else get_settings().reports_dir
    try:
        results = check_reports(reports_dir)
    except (BrowserMissing, FileNotFoundError) as exc:
        print(f"check-reports: {exc}", file=sys.stderr)
        return 2
    for result in results:
        print(result.render())
    failed = [r.page for r in results if not r.ok]
    print(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
