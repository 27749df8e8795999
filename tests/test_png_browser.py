"""PNG export: the reports of a run share one Chromium (kaleido), every call to it has a deadline,
and a shared browser that fails is dropped for one browser per report (issue 12)."""

from __future__ import annotations

import asyncio
import struct

import plotly.graph_objects as go
import pytest

from dagster_project.reports import png


def _png_size(path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])  # IHDR width, height


def _figure(title: str) -> go.Figure:
    return go.Figure(go.Bar(x=["APA", "PCH"], y=[3, 1]), layout={"title": title, "height": 300})


def test_the_reports_of_a_run_share_one_browser(browser, tmp_path, monkeypatch):
    monkeypatch.setattr(png, "_shared", {})
    started = []

    class Counted(png.SharedBrowser):
        def __init__(self):
            started.append(1)
            super().__init__()

    monkeypatch.setattr(png, "SharedBrowser", Counted)
    try:
        for report in ("a", "b", "c"):
            paths = [str(tmp_path / f"{report}_{i}.png") for i in range(2)]
            png.write_pngs([_figure(f"{report} {i}") for i in range(2)], paths, width=640, heights=[300, 420])
    finally:
        png.close_shared_browser()
    assert started == [1]  # one Chromium for three reports
    assert _png_size(tmp_path / "a_0.png") == (640, 300)
    assert _png_size(tmp_path / "c_1.png") == (640, 420)
    assert png._shared == {}  # closed: the next run starts its own


def test_a_shared_browser_that_fails_is_dropped_for_one_browser_per_report(tmp_path, monkeypatch):
    closed, own_browsers = [], []

    class Stuck:
        def write(self, specs):
            raise TimeoutError("the PNG browser did not answer within 60 s")

        def close(self):
            closed.append("shared")

    class Own:  # a report's own browser (same class as the shared one, with the same deadlines)
        def __init__(self):
            own_browsers.append(self)

        def write(self, specs):
            for spec in specs:
                open(spec["path"], "wb").close()

        def close(self):
            closed.append("own")

    monkeypatch.setattr(png, "_shared", {"browser": Stuck()})
    monkeypatch.setattr(png, "SharedBrowser", Own)
    png.write_pngs([_figure("x")], [str(tmp_path / "x.png")], width=640, heights=[300])
    assert closed == ["shared", "own"] and png._shared == {"browser": None}
    assert len(own_browsers) == 1 and (tmp_path / "x.png").exists()
    png.write_pngs([_figure("y")], [str(tmp_path / "y.png")], width=640, heights=[300])  # no retry of the shared one
    assert len(own_browsers) == 2 and closed == ["shared", "own", "own"]


def test_a_report_whose_own_browser_fails_too_raises(tmp_path, monkeypatch):
    def no_chromium():
        raise RuntimeError("The browser seemed to close immediately")

    monkeypatch.setattr(png, "_shared", {})
    monkeypatch.setattr(png, "SharedBrowser", no_chromium)
    with pytest.raises(RuntimeError, match="close immediately"):
        png.write_pngs([_figure("x")], [str(tmp_path / "x.png")], width=640, heights=[300])
    assert png._shared == {"browser": None}  # the run does not try the shared browser again


def test_a_call_to_the_shared_browser_has_a_deadline():
    browser = png.SharedBrowser.__new__(png.SharedBrowser)  # its event loop, without starting Chromium
    browser._loop = asyncio.new_event_loop()
    import threading

    browser._thread = threading.Thread(target=browser._loop.run_forever, daemon=True)
    browser._thread.start()
    try:
        with pytest.raises(TimeoutError, match="did not answer within 0 s"):
            browser._call(asyncio.sleep(30), 0.2)
        assert browser._call(asyncio.sleep(0, result="ok"), 5) == "ok"
    finally:
        browser._loop.call_soon_threadsafe(browser._loop.stop)
        browser._thread.join(5)
