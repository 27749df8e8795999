"""Open every report in headless Chromium, as a reader would: no JavaScript error, every plotly
chart drawn, every link of the index reachable, and a full-page screenshot for a person to look at.

    python -m dagster_project.reports.browser [REPORTS_DIR [DOCS_SCREENSHOTS_DIR]]     (make check-reports)

The layout of every chart is checked too, at a WINDOW_WIDTH window (layout_defects).

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
    "--disable-dev-shm-usage",
)  # fmt: skip
WINDOW_HEIGHT = 1000  # the first screen: what docs/screenshots/ shows
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

WINDOW_WIDTH = 1280  # px: the default width every layout check and screenshot is made at
# After the charts are drawn: the boxes (getBoundingClientRect) of every text of every chart
# (bar labels, annotations, tick labels, legend items, axis and chart titles), of the marks a
# text could hide (scatter markers, bars) and of the toolbar. Overlaps and texts outside the
# SVG are layout defects (issue 14): "PCH−8 %", a ‰ label under a France tick, "(commune" clipped.
LAYOUT_STATE = """
const boxOf = el => { const r = el.getBoundingClientRect(); return {x0: r.left, y0: r.top, x1: r.right, y1: r.bottom}; };
const visible = el => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
  return r.width > 0 && r.height > 0 && s.display !== 'none' && s.visibility !== 'hidden'; };
const TEXTS = [
  ['étiquette de barre', '.barlayer text.bartext'], ['étiquette', '.scatterlayer .textpoint text'],
  ['annotation', '.annotation .annotation-text-g'], ['graduation', '[class*="axislayer-above"] text'],
  ['légende', '.legend .legendtext'], ["titre d'axe", '[class*="title"] > text'],
];
return [...document.querySelectorAll('.js-plotly-plot')].map(plot => {
  const svg = plot.querySelector('.main-svg');
  const texts = [];
  for (const [kind, selector] of TEXTS) {
    for (const el of plot.querySelectorAll(selector)) {
      const text = (el.textContent || '').trim();
      if (text && visible(el)) texts.push({kind, text, ...boxOf(el)});
    }
  }
  // a tick marker ("line-ns") is a path of no width: its box is widened by half its stroke
  const marks = [...plot.querySelectorAll('.scatterlayer .points path.point')].filter(el => {
      const r = el.getBoundingClientRect(); return r.width + r.height > 0 && getComputedStyle(el).display !== 'none'; })
    .map(el => { const b = boxOf(el); const half = (parseFloat(getComputedStyle(el).strokeWidth) || 0) / 2;
      return {kind: 'marqueur', text: (el.__data__ && el.__data__.tx) || 'marqueur',
              x0: b.x0 - half, x1: b.x1 + half, y0: b.y0 - half, y1: b.y1 + half}; });
  const bars = [...plot.querySelectorAll('.barlayer .point path')].filter(visible)
    .map(el => ({kind: 'barre', text: 'barre', ...boxOf(el)}));
  const modebar = plot.querySelector('.modebar');
  return {chart: plot.id, svg: svg ? boxOf(svg) : null, texts, marks, bars,
          modebar: modebar ? {kind: "barre d'outils", text: "barre d'outils", ...boxOf(modebar)} : null};
});
"""
OVERLAP_PX = 1.0  # a mark or the toolbar sharing less than this with a text (anti-aliasing) does not cover it
TEXT_GAP_PX = 6.0  # two texts closer than this (about a space and a half) read as one ("PCH−8 %")


def _overlap(a: dict, b: dict, gap: float = -OVERLAP_PX) -> bool:
    """The boxes share more than OVERLAP_PX of height and more than -gap px of width (gap > 0:
    on the same line and closer than gap px, as "PCH" and "−8 %" were)."""
    return min(a["x1"], b["x1"]) - max(a["x0"], b["x0"]) > -gap and (min(a["y1"], b["y1"]) - max(a["y0"], b["y0"]) > OVERLAP_PX)


def _name(item: dict) -> str:
    return f"{item['kind']} « {item['text']} »"


def layout_defects(page: str, charts: list[dict]) -> list[str]:
    """Texts overlapping each other, a marker, or a bar they do not belong to; the toolbar over
    any text or mark; a text outside the chart's SVG. One line per defect, naming the report,
    the chart and the two texts."""
    defects = []
    for chart in charts:
        where = f"{page}, graphique {chart['chart']}"
        texts, marks, svg = chart["texts"], chart["marks"], chart["svg"]
        for i, a in enumerate(texts):
            defects += [f"{where} : {_name(a)} chevauche {_name(b)}" for b in texts[i + 1 :] if _overlap(a, b, TEXT_GAP_PX)]
            defects += [f"{where} : {_name(a)} est couvert par un {_name(m)}" for m in marks if _overlap(a, m)]
            if a["kind"] != "étiquette de barre" and any(_overlap(a, bar) for bar in chart["bars"]):
                defects.append(f"{where} : {_name(a)} chevauche une barre")  # a bar's own label may sit inside it
            if svg and (a["x0"] < svg["x0"] - OVERLAP_PX or a["x1"] > svg["x1"] + OVERLAP_PX
                        or a["y0"] < svg["y0"] - OVERLAP_PX or a["y1"] > svg["y1"] + OVERLAP_PX):  # fmt: skip
                defects.append(f"{where} : {_name(a)} est coupé par le bord du graphique")
        if chart["modebar"]:
            covered = [item for item in (*texts, *marks, *chart["bars"]) if _overlap(chart["modebar"], item)]
            defects += [f"{where} : la barre d'outils couvre {_name(item)}" for item in covered]
    return defects


class BrowserMissing(RuntimeError):
    pass


@dataclass
class PageCheck:
    page: str
    expected_charts: int = -1
    drawn_charts: int = 0
    errors: list[str] = field(default_factory=list)
    layout: list[str] = field(default_factory=list)  # overlapping or clipped texts (layout_defects)
    broken_links: list[str] = field(default_factory=list)
    screenshot: Path | None = None

    @property
    def ok(self) -> bool:
        return (
            not self.errors
            and not self.broken_links
            and not self.layout
            and self.expected_charts >= 0
            and self.drawn_charts == self.expected_charts
        )

    def render(self) -> str:
        status = "OK  " if self.ok else "FAIL"
        text = f"{status} {self.page}: {self.drawn_charts}/{self.expected_charts} charts drawn, screenshot {self.screenshot}"
        text += "".join(f"\n       JavaScript error: {e}" for e in self.errors)
        text += "".join(f"\n       broken link: {link}" for link in self.broken_links)
        text += "".join(f"\n       layout: {defect}" for defect in self.layout)
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


def check_reports(
    reports_dir: Path, screenshots_dir: Path | None = None, timeout: float = 30.0, docs_dir: Path | None = None
) -> list[PageCheck]:
    """Check every *.html of reports_dir at WINDOW_WIDTH; full-page screenshots go to
    reports_dir/screenshots/<page>.png, and the first screen of each page to docs_dir when given."""
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
    if docs_dir is not None:
        docs_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="autonomy-chromium-") as profile:
        options = Options()
        options.binary_location = chromium
        for flag in (*CHROMIUM_FLAGS, f"--window-size={WINDOW_WIDTH},{WINDOW_HEIGHT}", f"--user-data-dir={profile}"):
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        driver = webdriver.Chrome(options=options, service=Service(executable_path=driver_path))
        try:
            driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": ERROR_HOOK})
            return [_check_page(driver, page, screenshots_dir, timeout, docs_dir) for page in pages]
        finally:
            driver.quit()


def _check_page(driver, page: Path, screenshots_dir: Path, timeout: float, docs_dir: Path | None = None) -> PageCheck:
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
    if state["drawn"]:
        check.layout = layout_defects(page.name, driver.execute_script(LAYOUT_STATE))
    check.screenshot = screenshots_dir / f"{page.stem}.png"
    _full_page_screenshot(driver, check.screenshot)
    if docs_dir is not None:  # the first screen, small enough to commit (docs/screenshots/)
        _full_page_screenshot(driver, docs_dir / f"{page.stem}.png", max_height=WINDOW_HEIGHT)
    return check


def _full_page_screenshot(driver, path: Path, max_height: int = 16000) -> None:
    size = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {"format": "png", "captureBeyondViewport": True,
         "clip": {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], max_height), "scale": 1}},
    )  # fmt: skip
    path.write_bytes(base64.b64decode(shot["data"]))


def main(argv: list[str] | None = None) -> int:
    from ..settings import get_settings

    argv = sys.argv[1:] if argv is None else argv
    reports_dir = Path(argv[0]) if argv else get_settings().reports_dir
    docs_dir = Path(argv[1]) if len(argv) > 1 else None
    try:
        results = check_reports(reports_dir, docs_dir=docs_dir)
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
