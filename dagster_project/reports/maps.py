"""Maps of the metropolitan départements drawn from marts.territory_outlines (IGN), shared by the
reports: a choropleth of the départements with a value, the others in grey (a gap must never look
like a value), thick outlines for the départements a report is about, and no base layer to fetch
(the HTML opens offline)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

import plotly.graph_objects as go

from .charts import OKABE_ITO

# Light to dark blue around Okabe-Ito sky blue: luminance rises with the value (readable in grey),
# and the lightest stays visible against the white page.
SEQUENTIAL = [[0.0, "#DCEBF5"], [0.5, OKABE_ITO["sky_blue"]], [1.0, "#004B75"]]
NOT_SHOWN = "#D9D9D9"


def rings(geometry_geojson: str) -> tuple[list, list]:
    """Longitudes and latitudes of every ring of a (Multi)Polygon, rings separated by None."""
    geometry = json.loads(geometry_geojson)
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    lon: list = []
    lat: list = []
    for polygon in polygons:
        for ring in polygon:
            lon += [point[0] for point in ring] + [None]
            lat += [point[1] for point in ring] + [None]
    return lon, lat


def outline_traces(records: list[dict], outlined: Sequence[tuple[str, str, str, float]]) -> list[go.Scattergeo]:
    """Thick outlines (code, name, colour, width) over the map, for those the outlines include.

    They are the map's FIRST traces on purpose: plotly.js fetches its world topojson from
    cdn.plot.ly (unreachable offline: the map is not drawn) unless the first trace of the map has
    no `locationmode`, which a lon/lat line has and a choropleth always has. Without an outline to
    draw (a département outside metropolitan France), an invisible point stands first instead."""
    by_code = {r["territory_code"]: r for r in records}
    traces = []
    for code, name, colour, width in outlined:
        if code in by_code:
            lon, lat = rings(by_code[code]["geometry_geojson"])
            traces.append(go.Scattergeo(lon=lon, lat=lat, mode="lines", line={"color": colour, "width": width},
                                        name=f"{name} (contour)", hoverinfo="skip"))  # fmt: skip
    if not traces:
        lon, lat = rings(records[0]["geometry_geojson"])
        traces.append(go.Scattergeo(lon=lon[:1], lat=lat[:1], mode="markers", marker={"opacity": 0}, hoverinfo="skip",
                                    showlegend=False))  # fmt: skip
    return traces


def feature_collection(records: Iterable[dict]) -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": r["territory_code"], "properties": {"code": r["territory_code"], "nom": r["territory_name"]},
             "geometry": json.loads(r["geometry_geojson"])}
            for r in records
        ],
    }  # fmt: skip


def shade(figure: go.Figure, records: list[dict], values: list, hovers: list[str], colorbar: dict, name: str) -> None:
    """The départements with a value as a choropleth, those without in grey."""
    shown = [i for i, v in enumerate(values) if v is not None]
    hidden = [i for i, v in enumerate(values) if v is None]
    figure.add_choropleth(
        geojson=feature_collection(records[i] for i in shown),
        featureidkey="properties.code",
        locations=[records[i]["territory_code"] for i in shown],
        z=[float(values[i]) for i in shown],
        text=[hovers[i] for i in shown],
        hovertemplate="%{text}<extra></extra>",
        colorscale=SEQUENTIAL,
        marker={"line": {"color": "#ffffff", "width": 0.6}},
        colorbar=colorbar,
        name=name,
        showlegend=False,
    )
    if hidden:  # drawn in grey, never left blank: a gap must not look like a value
        figure.add_choropleth(
            geojson=feature_collection(records[i] for i in hidden),
            featureidkey="properties.code",
            locations=[records[i]["territory_code"] for i in hidden],
            z=[0] * len(hidden),
            text=[hovers[i] for i in hidden],
            hovertemplate="%{text}<extra></extra>",
            colorscale=[[0, NOT_SHOWN], [1, NOT_SHOWN]],
            showscale=False,
            marker={"line": {"color": "#ffffff", "width": 0.6}},
            name="non publié ou masqué",
            showlegend=False,
        )


def frame_metropolitan(figure: go.Figure) -> None:
    """The outlines are the map: no base layer (nothing to fetch), Lambert conformal conic."""
    figure.update_geos(
        visible=False,
        fitbounds="locations",
        # Lambert conformal conic on the parallels of Lambert-93; no projection.rotation: with one,
        # plotly.js 4.1's fitbounds shrinks the map to a dot
        projection={"type": "conic conformal", "parallels": [44, 49]},
        bgcolor="#ffffff",
    )


def focus_in_title(focus: dict, records: list[dict]) -> str:
    """What a metropolitan map's title says of the home département: "(Gironde entourée)", the
    participle agreeing with the name (agreement_suffix, marts.rpt_reports__territories); an
    overseas département has no outline on it, and the title says so."""
    if focus["territory_code"] in {r["territory_code"] for r in records}:
        return f"({focus['territory_name']} entouré{focus.get('agreement_suffix') or ''})"
    return f"({focus['territory_name']} : pas de contour sur la carte métropolitaine)"
