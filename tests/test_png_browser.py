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


def _varied_figures() -> list[go.Figure]:
    """Charts whose state could leak from one to the next on a page kept loaded: a map with its
    colour bar, subplots, annotations, another font and size, and a plain bar chart last."""
    square = {"type": "Polygon", "coordinates": [[[2, 48], [3, 48], [3, 49], [2, 49], [2, 48]]]}
    other = {"type": "Polygon", "coordinates": [[[3, 48], [4, 48], [4, 49], [3, 49], [3, 48]]]}
    geojson = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": c, "properties": {"code": c}, "geometry": g} for c, g in (("59", square), ("62", other))
        ],
    }
    # An outline first, as the reports' maps have (reports/maps.py: else plotly.js fetches a world map)
    carte = go.Figure(go.Scattergeo(lon=[2, 3, 3, 2, 2], lat=[48, 48, 49, 49, 48], mode="lines", line={"width": 3}))
    carte.add_choropleth(geojson=geojson, featureidkey="properties.code", locations=["59", "62"], z=[1.5, 3])
    carte.update_geos(visible=False, fitbounds="locations", projection={"type": "conic conformal", "parallels": [44, 49]})
    carte.update_layout(title="Carte", height=420)
    from plotly.subplots import make_subplots

    double = make_subplots(rows=1, cols=2, subplot_titles=("APA", "PCH"))
    double.add_scatter(x=[2020, 2021, 2022], y=[1, 3, 2], row=1, col=1)
    double.add_bar(x=["a", "b"], y=[2, 5], row=1, col=2)
    double.update_layout(
        height=360,
        font={"family": "serif", "size": 16},
        annotations=[
            *double.layout.annotations,
            {"text": "note", "x": 0.5, "y": -0.2, "xref": "paper", "yref": "paper", "showarrow": False},
        ],
    )
    return [carte, double, _figure("après la carte")]


def test_a_page_kept_between_charts_draws_what_a_reloaded_page_draws(browser, tmp_path, monkeypatch):
    """kaleido reloads its page after every chart; the reports' browser keeps it (a refresh's 30
    PNGs: 9 s -> 3.6 s). Each chart, drawn after others on the kept page, is byte for byte what
    kaleido's own reloading draws, and the kept page is never reloaded."""
    from kaleido import Kaleido
    from kaleido._kaleido_tab import _KaleidoTab

    assert "_return_kaleido_tab" in vars(Kaleido)  # the hook the reports' browser overrides still exists
    figures = _varied_figures()
    reloads = []
    reload = _KaleidoTab.reload

    async def counted(self, *args, **kwargs):
        reloads.append(self)
        return await reload(self, *args, **kwargs)

    async def draw(kaleido_class, folder) -> tuple[list[bytes], int]:
        folder.mkdir()
        specs = [
            {"fig": f.to_dict(), "path": str(folder / f"{i}.png"), "opts": {"format": "png", "width": 640, "height": f.layout.height or 300, "scale": 1}}
            for i, f in enumerate(figures)
        ]  # fmt: skip
        async with kaleido_class(n=1, timeout=60) as kaleido:
            reloads.clear()
            await kaleido.write_fig_from_object(specs, cancel_on_error=True)
            drawn_reloads = len(reloads)
        return [(folder / f"{i}.png").read_bytes() for i in range(len(figures))], drawn_reloads

    monkeypatch.setattr(_KaleidoTab, "reload", counted)
    fresh, fresh_reloads = asyncio.run(draw(Kaleido, tmp_path / "fresh"))
    kept, kept_reloads = asyncio.run(draw(png.kept_page_kaleido(), tmp_path / "kept"))
    assert fresh_reloads == len(figures) and kept_reloads == 0
    assert len(set(fresh)) == len(figures)  # three different images
    assert [i for i, (a, b) in enumerate(zip(fresh, kept, strict=True)) if a != b] == []


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
