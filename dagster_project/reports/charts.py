"""Chart builders shared by the reports: French number format on axes and hovers, a colour-blind
safe palette (Okabe-Ito), units in every axis title, masked values shown as such."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import plotly.graph_objects as go

from ..core.frenchfmt import PLOTLY_SEPARATORS

# Okabe & Ito (2008), distinguishable with the common colour-vision deficiencies.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "grey": "#999999",
}
FOCUS = OKABE_ITO["blue"]  # the territory the report is about (AUTONOMY_DEPARTMENT_CODE)
OTHERS = OKABE_ITO["grey"]
REFERENCE = OKABE_ITO["black"]  # national / regional reference
SERIES = (OKABE_ITO["blue"], OKABE_ITO["orange"], OKABE_ITO["bluish_green"], OKABE_ITO["reddish_purple"])
MASKED_TEXT = "masqué"


def base_layout(height: int = 460, **kwargs) -> dict:
    return {
        "separators": PLOTLY_SEPARATORS,
        "font": {"family": "DejaVu Sans, Arial, sans-serif", "size": 13, "color": "#1a1a1a"},
        "height": height,
        "margin": {"l": 10, "r": 30, "t": 30, "b": 10},
        "plot_bgcolor": "#ffffff",
        "paper_bgcolor": "#ffffff",
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0, "traceorder": "normal"},
        "hoverlabel": {"font": {"family": "DejaVu Sans, Arial, sans-serif"}},
        **kwargs,
    }


def value_axis(title: str, unit_suffix: str = "") -> dict:
    """The value axis: its title carries the unit; ticks grouped the French way."""
    return {
        "title": {"text": title},
        "ticksuffix": unit_suffix,
        "exponentformat": "none",  # 300 000 €, not 300k €
        "separatethousands": True,
        "gridcolor": "#e5e5e5",
        "zeroline": True,
        "zerolinecolor": "#888",
        "automargin": True,
    }


AXIS_TITLE_CHARS = 26  # a vertical axis title longer than this wraps: a short chart never clips it


def wrap_title(title: str, width: int = AXIS_TITLE_CHARS) -> str:
    """'Service autonomie à domicile (commune)' -> 'Service autonomie à<br>domicile (commune)':
    plotly draws an axis title on one line, clipped when longer than the plot is tall."""
    lines: list[str] = []
    for word in title.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def category_axis(title: str) -> dict:
    # an invisible 6 px tick: a category name never touches its bar or the zero line
    return {"title": {"text": wrap_title(title)}, "automargin": True, "ticks": "outside", "ticklen": 6,
            "tickcolor": "rgba(0,0,0,0)"}  # fmt: skip


@dataclass(frozen=True)
class Bar:
    """One category of a single-series bar chart."""

    label: str
    value: object  # Decimal, or None when masked or not published
    text: str  # the figure written the French way (hover and label)
    focus: bool = False


def bar_chart(
    bars: Sequence[Bar],
    value_title: str,
    category_title: str,
    unit_suffix: str = "",
    reference: tuple[str, object, str] | None = None,
    horizontal: bool = False,
    height: int = 420,
    text_outside: bool = False,
) -> go.Figure:
    """Bars with the focus territory highlighted and an optional reference line
    (label, value, formatted value), e.g. the regional 'Total général'. text_outside: labels after
    the bars, for values spread over orders of magnitude (a label never shrinks inside a short bar)."""
    labels = [b.label for b in bars]
    values = [None if b.value is None else float(b.value) for b in bars]  # drawing only; texts carry exact figures
    texts = [b.text for b in bars]
    colours = [FOCUS if b.focus else OTHERS for b in bars]
    trace = go.Bar(
        x=values if horizontal else labels,
        y=labels if horizontal else values,
        orientation="h" if horizontal else "v",
        marker={"color": colours},
        text=texts,
        textposition="outside" if text_outside else "inside",  # inside: at the base, never crossed by the reference line
        insidetextanchor="start",
        cliponaxis=not text_outside,
        textfont={"color": ["#000000" if text_outside or not b.focus else "#ffffff" for b in bars]},  # contrast >= 4.5:1
        hovertemplate="%{" + ("y" if horizontal else "x") + "} : %{text}<extra></extra>",
        showlegend=False,
    )
    figure = go.Figure(trace, layout=base_layout(height))
    value_ax, category_ax = value_axis(value_title, unit_suffix), category_axis(category_title)
    if horizontal:
        figure.update_layout(xaxis=value_ax, yaxis={**category_ax, "autorange": "reversed"})
    else:
        figure.update_layout(yaxis=value_ax, xaxis=category_ax)
    if reference is not None:  # a full-width dashed line, named in the legend (labels on bars stay readable)
        label, value, text = reference
        line = {"color": REFERENCE, "dash": "dash", "width": 2}
        if horizontal:
            figure.add_vline(x=float(value), line=line)
        else:
            figure.add_hline(y=float(value), line=line)
        figure.add_scatter(x=[None], y=[None], mode="lines", line=line, name=f"{label} : {text}", hoverinfo="skip")
    _mark_masked(figure, [b for b in bars if b.value is None and b.text.startswith(MASKED_TEXT)], horizontal)
    return figure


def _mark_masked(figure: go.Figure, masked: Sequence[Bar], horizontal: bool) -> None:
    """A masked bar stays on its axis with a visible label: a gap never looks like a zero."""
    for bar in masked:
        position = {"y": bar.label, "x": 0, "xanchor": "left"} if horizontal else {"x": bar.label, "y": 0, "yanchor": "bottom"}
        figure.add_annotation(text=bar.text, showarrow=False, font={"color": OKABE_ITO["vermillion"]}, **position)


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[object]  # Decimal or None, one per category
    texts: Sequence[str]
    colour: str


def grouped_bars(
    categories: Sequence[str],
    series: Sequence[Series],
    value_title: str,
    category_title: str,
    unit_suffix: str = "",
    stacked: bool = False,
    horizontal: bool = True,
    height: int | None = None,
) -> go.Figure:
    """Several series per category: side by side, or stacked (parts of a whole, e.g. PA + PH)."""
    height = height or max(320, 90 + 26 * len(categories) * (1 if stacked else len(series)))
    figure = go.Figure(layout=base_layout(height, barmode="stack" if stacked else "group"))
    for s in series:
        values = [None if v is None else float(v) for v in s.values]
        figure.add_bar(
            name=s.name,
            x=values if horizontal else list(categories),
            y=list(categories) if horizontal else values,
            orientation="h" if horizontal else "v",
            marker={"color": s.colour},
            text=list(s.texts),
            textposition="none" if stacked else "outside",
            cliponaxis=False,
            hovertemplate=f"%{{{'y' if horizontal else 'x'}}}<br>{s.name} : %{{text}}<extra></extra>",
        )
    value_ax, category_ax = value_axis(value_title, unit_suffix), category_axis(category_title)
    if horizontal:
        figure.update_layout(xaxis=value_ax, yaxis={**category_ax, "autorange": "reversed"})
    else:
        figure.update_layout(yaxis=value_ax, xaxis=category_ax)
    return figure


REFERENCE_TICK_PX = 22  # height of the reference tick drawn across a bar


def bars_with_reference_marks(
    categories: Sequence[str],
    bars: Series,
    reference: Series,
    value_title: str,
    category_title: str,
    unit_suffix: str = "",
) -> go.Figure:
    """Horizontal bars for the territory, and the reference (France) as a black tick on each bar."""
    figure = grouped_bars(
        categories, [bars], value_title, category_title, unit_suffix, height=max(360, 90 + 34 * len(categories))
    )
    # The labels go after the bar or the reference tick, whichever is further: a tick beyond its
    # bar never crosses the bar's figure (issue 14: "6,7 ‰" was under the France tick).
    figure.update_traces(textposition="none", selector={"type": "bar"})
    ends = []
    for category, value, ref, text in zip(categories, bars.values, reference.values, bars.texts, strict=True):
        end = max(float(v) for v in (value, ref, 0) if v is not None)
        ends.append(end)
        figure.add_annotation(x=end, y=category, text=text, showarrow=False, xanchor="left", xshift=REFERENCE_TICK_PX // 2 + 4)
    figure.add_scatter(
        name=reference.name,
        x=[None if v is None else float(v) for v in reference.values],
        y=list(categories),
        mode="markers",
        marker={"symbol": "line-ns", "size": REFERENCE_TICK_PX, "line": {"width": 3, "color": reference.colour},
                "color": reference.colour},
        text=list(reference.texts),
        hovertemplate=f"%{{y}}<br>{reference.name} : %{{text}}<extra></extra>",
    )  # fmt: skip
    room_for_labels(figure, ends)
    return figure


def diverging_bars(
    categories: Sequence[str],
    values: Sequence[object],
    texts: Sequence[str],
    value_title: str,
    category_title: str,
    unit_suffix: str = "",
    colour: Callable[[object], str] | None = None,
) -> go.Figure:
    """Signed values around zero (over- and under-representation)."""
    colour = colour or (lambda v: OKABE_ITO["vermillion"] if v is not None and v > 0 else OKABE_ITO["bluish_green"])
    figure = go.Figure(
        go.Bar(
            x=[None if v is None else float(v) for v in values],
            y=list(categories),
            orientation="h",
            marker={"color": [colour(v) for v in values]},
            text=list(texts),
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y} : %{text}<extra></extra>",
            showlegend=False,
        ),
        layout=base_layout(max(360, 90 + 30 * len(categories))),
    )
    figure.update_layout(
        xaxis=value_axis(value_title, unit_suffix), yaxis={**category_axis(category_title), "autorange": "reversed"}
    )
    # Room on both sides of zero: a negative bar's label ("−8 %") stays inside the plot, clear
    # of the category names (issue 14: "PCH−8 %").
    room_for_labels(figure, values)
    return figure


def room_for_labels(figure: go.Figure, values: Sequence[object], share: float = 0.3) -> None:
    """Widen the horizontal value axis so the labels written after the longest bars (on either
    side of zero) stay inside the figure: `share` of the data's span is added beyond each end."""
    numbers = [float(v) for v in values if v is not None]
    low, high = min(0.0, 0.0, *numbers), max(0.0, 0.0, *numbers)
    pad = (high - low) * share
    figure.update_xaxes(range=[low - pad if low < 0 else 0, high + pad if high > 0 else 0])
