"""PNG export of the charts: ONE headless Chromium (kaleido) per process, reused by every report.

Starting kaleido's Chromium costs about 2.5 s, and a refresh writes six reports: one browser
per report was 15 s of the refresh (benchmarks/RESULTS.md). kaleido's own shared server
(`start_sync_server`) never answers when its browser fails to start, which hung a refresh once;
here every call to the browser has a deadline. When the shared browser fails (start, render or
deadline), it is closed and each report then starts a browser of its own (same deadlines); if
that fails too, the PNGs are skipped with the reason and the HTML report stands. Seen once, with
a profiler attached: a message to Chromium cut at 64 KiB, then no answer; the deadline ends it.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import threading
from collections.abc import Coroutine
from typing import Any

log = logging.getLogger(__name__)

START_SECONDS = 30.0  # Chromium start (2-3 s on an idle machine; more under load)
RENDER_SECONDS = 60.0  # one report's charts (under 2 s on an idle machine)
CLOSE_SECONDS = 10.0


def kept_page_kaleido() -> type:
    """kaleido's Kaleido, except that its page stays loaded between charts.

    kaleido reloads its page (plotly.js) after every chart, for isolation: about 0.3 s a chart,
    0.2 s of it the reload, so 9 s of a refresh's 30 PNGs instead of 3.6 s. Our charts render the
    same bytes either way (tests/test_png_browser.py compares them; benchmarks/RESULTS.md). A
    chart that fails still closes the whole browser (write_pngs). Should kaleido rename the hook,
    the override only stops saving time: the test that compares says so."""
    from kaleido import Kaleido

    class KeptPage(Kaleido):
        async def _return_kaleido_tab(self, tab) -> None:
            await self.tabs_ready.put(tab)

    return KeptPage


class SharedBrowser:
    """A kaleido browser living in its own thread and event loop; synchronous calls with deadlines."""

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="png-browser", daemon=True)
        self._thread.start()
        self._kaleido = kept_page_kaleido()(n=1, timeout=RENDER_SECONDS)
        try:
            self._call(self._kaleido.open(), START_SECONDS)
        except BaseException:
            self.close()
            raise

    def _call(self, coroutine: Coroutine[Any, Any, Any], seconds: float) -> Any:
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        try:
            return future.result(timeout=seconds)
        except TimeoutError:
            future.cancel()
            raise TimeoutError(f"the PNG browser did not answer within {seconds:.0f} s") from None

    def write(self, specs: list[dict]) -> None:
        """specs: kaleido figure dicts ({"fig", "path", "opts"}); raises on the first failed chart."""
        self._call(self._kaleido.write_fig_from_object(specs, cancel_on_error=True), RENDER_SECONDS)

    def close(self) -> None:
        try:
            if self._loop.is_running():
                self._call(self._kaleido.close(), CLOSE_SECONDS)
        except Exception as exc:  # closing is best effort: the browser may already be gone
            log.debug("PNG browser close: %s", exc)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(CLOSE_SECONDS)
            if not self._thread.is_alive():
                self._loop.close()


_shared: dict[str, SharedBrowser | None] = {}
_lock = threading.Lock()


def _browser() -> SharedBrowser | None:
    """The process's shared browser, started on first use; None once it has failed (fallback)."""
    if "browser" not in _shared:
        try:
            _shared["browser"] = SharedBrowser()
            atexit.register(close_shared_browser)
        except Exception as exc:
            log.warning("shared PNG browser not started (%s): one browser per report instead", exc)
            _shared["browser"] = None
    return _shared["browser"]


def close_shared_browser() -> None:
    """Close the shared browser (the refresh calls it when the run ends; atexit otherwise)."""
    with _lock:
        browser = _shared.pop("browser", None)
    if browser is not None:
        browser.close()


def write_pngs(figures: list, paths: list[str], width: int, heights: list[int]) -> None:
    """Write each figure as a PNG at its path; raises when neither browser could write them."""
    specs = [
        {"fig": figure.to_dict(), "path": path, "opts": {"format": "png", "width": width, "height": height, "scale": 1}}
        for figure, path, height in zip(figures, paths, heights, strict=True)
    ]
    with _lock:
        browser = _browser()
        if browser is not None:
            try:
                browser.write(specs)
                return
            except Exception as exc:
                log.warning("shared PNG browser failed (%s): closed; this report uses its own browser", exc)
                browser.close()
                _shared["browser"] = None
    own = SharedBrowser()  # plotly's write_images would wait for ever on a stuck browser: same deadlines here
    try:
        own.write(specs)
    finally:
        own.close()
