"""comparaisons.html: the département the reports are about (AUTONOMY_DEPARTMENT_CODE) in the
official open data (DREES, INSEE, IGN): a map of the metropolitan départements, its ranks and its
position against France and the départements of its région, series from the first published year,
and the figures the latest edition revised. The whole rate table is written beside the page as
comparaisons_taux.csv (`;`, decimal comma, UTF-8 with BOM), linked from it.

Reads marts only: the rpt_ models made for it in dbt (rpt_reports__places: the département, its
neighbour, its région, France métropolitaine and France; rpt_comparaisons__latest_rates, __series,
__map, __revisions, __sheets) and official_rates for the CSV. The SQL here only selects rows: the
compared territories, latest years, ranks and revisions are computed in dbt.

Rates rest on counts of people: a rate whose count of people is under the disclosure threshold is
masked (map, charts, tables and the CSV), with a visible note."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import duckdb
import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from ..core.frenchfmt import UNIT_SPACE, format_count, format_eur, format_number, format_pct
from . import maps, queries
from .charts import FOCUS, MASKED_TEXT, OKABE_ITO, OTHERS, REFERENCE, base_layout, category_axis, value_axis
from .disclosure import disclose_counts, disclose_table, masked_note
from .export_format import Column, csv_bytes, data_cell
from .framework import Chart, Report, html_note, html_section, html_table

SLUG = "comparaisons"
# {of} / {region_of}: the département and its région, named from marts.rpt_reports__territories
TITLE = "APA, PCH et AAH {of} comparées à la France et aux départements {region_of} (données officielles)"
CSV_NAME = f"{SLUG}_taux.csv"
PERMILLE = f"{UNIT_SPACE}‰"
MAX_REVISIONS = 30


@dataclass(frozen=True)
class Indicator:
    code: str  # indicator_code of marts.official_rates (a rate per 1000)
    measure: str  # its numerator: measure_code of marts.aid_beneficiaries (publication, edition, sheet)
    short: str
    title: str  # what the rate counts, in a French sentence
    axis: str  # value axis title, with its unit
    axis_short: str  # the same, in a narrow panel
    chart_id: str


INDICATORS = (
    Indicator("apa_per_1000_60plus", "apa", "APA", "Bénéficiaires de l'APA pour 1\u202f000 habitants de 60 ans ou plus",
              "Pour 1\u202f000 habitants de 60 ans ou plus (‰)", "‰ des 60 ans ou plus", "serie_apa"),
    Indicator("pch_per_1000_20_59", "pch", "PCH", "Bénéficiaires de la PCH pour 1\u202f000 habitants de 20 à 59 ans",
              "Pour 1\u202f000 habitants de 20 à 59 ans (‰)", "‰ des 20 à 59 ans", "serie_pch"),
    Indicator("aah_per_1000_20_64", "aah", "AAH", "Allocataires de l'AAH pour 1\u202f000 habitants de 20 à 64 ans",
              "Pour 1\u202f000 habitants de 20 à 64 ans (‰)", "‰ des 20 à 64 ans", "serie_aah"),
)  # fmt: skip
MAP_INDICATOR = INDICATORS[0]

# Titles of the publications (raw/opendata/manifest.yml) as footnotes name them; editions and sheets
# come from the marts. An unknown publication is named by its id.
PUBLICATION_TITLES = {
    "drees_aid_beneficiaries": "Les bénéficiaires de l'aide sociale départementale – séries longues",
    "drees_aid_spending": "Les dépenses d'aide sociale départementale – séries longues",
    "drees_minima_sociaux": "Minima sociaux – données départementales par dispositif",
    "insee_population_broad": "estimations de population par département, sexe et grande classe d'âge",
    "insee_population_5y": "estimations de population par département, sexe et âge quinquennal",
}
OUTLINES = ("IGN", "contours des départements métropolitains (Admin Express simplifiés)")

# The compared territories (role of _places): colour and line of the series and the map outlines.
SERIES_STYLE = {
    "focus": (FOCUS, "solid", 3),
    "neighbour": (OKABE_ITO["orange"], "solid", 2),
    "region": (OKABE_ITO["bluish_green"], "solid", 2),
    "country": (REFERENCE, "dash", 2),
}
OUTLINE_STYLE = {"focus": (OKABE_ITO["vermillion"], 3.5), "neighbour": (REFERENCE, 2.5)}
REFERENCE_ROLES = ("region", "metropolitan", "country")

LEVEL_LABELS = {
    "department": "département",
    "department_whole": "département imprimé d'un seul tenant",
    "department_part": "partie de département",
    "region": "région",
    "metropolitan_france": "France métropolitaine",
    "overseas": "outre-mer",
    "country": "France",
}
CSV_COLUMNS = (
    ("territory_code", "Code du territoire"),
    ("territory_name", "Territoire"),
    ("territory_level", "Niveau"),
    ("region_code", "Code de la région"),
    ("year", "Année"),
    ("indicator_code", "Code de l'indicateur"),
    ("indicator_label", "Indicateur"),
    ("numerator", "Numérateur"),
    ("denominator", "Dénominateur"),
    ("denominator_age_min", "Âge minimal du dénominateur"),
    ("denominator_age_max", "Âge maximal du dénominateur"),
    ("population_reference_date", "Date de la population"),
    ("rate_per_1000", "Taux pour 1 000"),
    ("amount_eur", "Montant (euros)"),
    ("rank_france", "Rang parmi les départements"),
    ("rank_region", "Rang dans la région"),
    ("numerator_edition", "Édition du numérateur"),
    ("denominator_edition", "Édition du dénominateur"),
)
CSV_SECRET = "Secret statistique"


@dataclass(frozen=True)
class PublicationSource:
    """Figures read from official files: one part per publication (publisher, title, edition(s),
    sheet(s), what the figures are), as Source and FileSource write their footnote."""

    parts: tuple[str, ...]

    def footnote(self) -> str:
        return "Source : " + " ; ".join(self.parts) + "."


def build(con: duckdb.DuckDBPyConnection, threshold: int) -> Report:
    place = queries.territory(con)
    places = _places(con, place["territory_code"])
    latest = _latest_rates(con, [i.code for i in INDICATORS])
    series = _series(con, [i.code for i in INDICATORS])
    map_rows = _map_rows(con, MAP_INDICATOR.code)
    revisions, revised = _revisions(con, MAX_REVISIONS)
    rates_csv, csv_rows, csv_masked = _rates_csv(con, threshold)
    charts = [_map_chart(con, map_rows, places, threshold)]
    charts.append(_position_chart(con, latest, places, place, threshold))
    for indicator in INDICATORS:
        rows = series.filter(pl.col("indicator_code") == indicator.code)
        charts.append(_series_chart(con, indicator, rows, [p for p in places if p["role"] in SERIES_STYLE], threshold))
    neighbour = next((p for p in places if p["role"] == "neighbour"), None)
    return Report(
        slug=SLUG,
        title=TITLE.format(of=place["name_of_fr"], region_of=place["region_of_fr"]),
        intro=_intro(con, place, neighbour),
        charts=charts,
        refreshed_at=queries.refresh_info(con).get("published_at"),
        headline=_headline(latest, places, revised, csv_rows, threshold),
        extra_html=_download(csv_rows, csv_masked, threshold),
        closing_html=_revisions_section(con, revisions, revised, place, threshold),
        files={CSV_NAME: rates_csv},
    )


# ------------------------------------------------------------------ reads (marts only)


def _frame(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pl.DataFrame:
    return con.sql(sql, params=params).pl()


def _places(con: duckdb.DuckDBPyConnection, focus_code: str) -> list[dict]:
    """The compared territories in display order, each with its role (marts.rpt_reports__places):
    the département (focus), the most populous other département of its région at the latest
    population estimate (neighbour), the région, France métropolitaine and France."""
    frame = _frame(
        con,
        "SELECT p.role, p.territory_code, p.territory_name, p.territory_level, p.region_code, t.agreement_suffix "
        "FROM marts.rpt_reports__places AS p LEFT JOIN marts.rpt_reports__territories AS t USING (territory_code) "
        "ORDER BY p.display_order",
    )
    if frame.filter((pl.col("role") == "focus") & (pl.col("territory_code") == focus_code)).height != 1:
        raise LookupError(f"marts.territories has no département {focus_code!r} (AUTONOMY_DEPARTMENT_CODE)")
    return frame.to_dicts()


_RATE_COLUMNS = (
    "territory_code, territory_name, territory_level, region_code, year, indicator_code, numerator, denominator, "
    "rate_per_1000, rank_france, rank_region, numerator_edition, denominator_edition, population_reference_date"
)


def _latest_rates(con: duckdb.DuckDBPyConnection, indicators: list[str]) -> pl.DataFrame:
    """Each indicator in its latest year with ranked départements: the compared territories and
    every département of the région, with how many départements are ranked in France and in the
    région (marts.rpt_comparaisons__latest_rates)."""
    return _frame(
        con,
        f"SELECT {_RATE_COLUMNS}, ranked_france, ranked_region, latest_year FROM marts.rpt_comparaisons__latest_rates "
        "WHERE indicator_code IN (SELECT unnest(?)) ORDER BY indicator_code, territory_code",
        [indicators],
    )


def _series(con: duckdb.DuckDBPyConnection, indicators: list[str]) -> pl.DataFrame:
    """Every year of the indicators for the compared territories (marts.rpt_comparaisons__series)."""
    return _frame(
        con,
        f"SELECT {_RATE_COLUMNS} FROM marts.rpt_comparaisons__series WHERE indicator_code IN (SELECT unnest(?)) "
        "ORDER BY indicator_code, year",
        [indicators],
    )


def _map_rows(con: duckdb.DuckDBPyConnection, indicator: str) -> pl.DataFrame:
    """One row per metropolitan département outline with the indicator in its latest year; a
    département the DREES prints only as part of a whole (Corsica, in some years) takes the value of
    that whole (value_code, value_name) (marts.rpt_comparaisons__map)."""
    return _frame(
        con,
        "SELECT territory_code, territory_name, geometry_geojson, outline_edition, outline_file, year, value_code, "
        "value_name, numerator, rate_per_1000, rank_france, ranked_france, numerator_edition, denominator_edition, "
        "population_reference_date FROM marts.rpt_comparaisons__map WHERE indicator_code = ? ORDER BY territory_code",
        [indicator],
    )


def _numerator_sheets(con: duckdb.DuckDBPyConnection, measure: str, editions: list[str], years: list[int]) -> pl.DataFrame:
    """Publication and sheets the numerators of a rate were read from (marts.rpt_comparaisons__sheets)."""
    return _frame(
        con,
        "SELECT publisher, publication_id, edition, list(DISTINCT sheet) AS sheets FROM marts.rpt_comparaisons__sheets "
        "WHERE part = 'numerator' AND measure_code = ? AND edition IN (SELECT unnest(?)) AND year IN (SELECT unnest(?)) "
        "GROUP BY ALL ORDER BY ALL",
        [measure, editions, years],
    )


def _population_sheets(con: duckdb.DuckDBPyConnection, editions: list[str], dates: list) -> pl.DataFrame:
    """Publication and sheets the denominators (population at 1 January) were read from."""
    return _frame(
        con,
        "SELECT publisher, publication_id, edition, list(DISTINCT sheet) AS sheets FROM marts.rpt_comparaisons__sheets "
        "WHERE part = 'population' AND edition IN (SELECT unnest(?)) AND reference_date IN (SELECT unnest(?)) "
        "GROUP BY ALL ORDER BY ALL",
        [editions, dates],
    )


def _revisions(con: duckdb.DuckDBPyConnection, limit: int) -> tuple[pl.DataFrame, int]:
    """The revised figures of the reports' département (marts.rpt_comparaisons__revisions), largest
    |delta| first, at most `limit`, with the label, publisher and sheets of each measure; and how
    many there are in all."""
    frame = _frame(
        con, "SELECT * FROM marts.rpt_comparaisons__revisions WHERE revision_rank <= ? ORDER BY revision_rank", [limit]
    )
    return frame, int(frame["revisions_total"][0]) if frame.height else 0


# ------------------------------------------------------------------ footnotes


def _natural(text: str) -> list:
    """'Tab10-pa' after 'Tab4-pa': numbers compared as numbers."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def _and(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " et " + items[-1]


def _span(values: Sequence[int]) -> str:
    """[2003, 2004, ..., 2021] -> '2003 à 2021'; a single value as is."""
    values = sorted(set(values))
    if len(values) == 1:
        return str(values[0])
    if values == list(range(values[0], values[-1] + 1)):
        return f"{values[0]} à {values[-1]}"
    return _and([str(v) for v in values])


def _sheets_text(sheets: Iterable[str]) -> str:
    ordered = sorted(set(sheets), key=_natural)
    if not ordered:
        return ""
    if len(ordered) == 1:
        return f"feuille {ordered[0]}"
    if all(s.isdigit() for s in ordered):
        return f"feuilles {_span([int(s) for s in ordered])}"
    return f"feuilles {_and(ordered)}"


def _editions_text(editions: Iterable[str]) -> str:
    ordered = sorted(set(editions))
    return f"édition {ordered[0]}" if len(ordered) == 1 else f"éditions {_and(ordered)}"


def _publication_part(publisher: str, publication_id: str, editions: Iterable[str], sheets: Iterable[str], what: str = "") -> str:
    title = PUBLICATION_TITLES.get(publication_id, publication_id)
    pieces = [f"{publisher}, {title}", _editions_text(editions)]
    if sheet_text := _sheets_text(sheets):
        pieces.append(sheet_text)
    return ", ".join(pieces) + (f" ({what})" if what else "")


def _rate_source(
    con: duckdb.DuckDBPyConnection, indicator: Indicator, rows: pl.DataFrame, extra: Sequence[str] = ()
) -> PublicationSource:
    """Where the rates of `rows` come from: the numerators' publication, edition and sheet, then the
    population's, with the years each gives (editions from the rows, never written here)."""
    rows = rows.filter(pl.col("numerator_edition").is_not_null())
    years = sorted(set(rows["year"].to_list()))
    parts = []
    numerators = _numerator_sheets(con, indicator.measure, sorted(set(rows["numerator_edition"].to_list())), years)
    for r in numerators.iter_rows(named=True):
        parts.append(_publication_part(r["publisher"], r["publication_id"], [r["edition"]], r["sheets"],
                                       f"effectifs au 31 décembre {_span(years)}"))  # fmt: skip
    dates = sorted(set(rows["population_reference_date"].drop_nulls().to_list()))
    population = _population_sheets(con, sorted(set(rows["denominator_edition"].drop_nulls().to_list())), dates)
    for r in population.iter_rows(named=True):
        parts.append(_publication_part(r["publisher"], r["publication_id"], [r["edition"]], r["sheets"],
                                       f"population au 1er janvier {_span([d.year for d in dates])}"))  # fmt: skip
    return PublicationSource((*parts, *extra))


# ------------------------------------------------------------------ formatting


def _permille(value) -> str:
    return "–" if value is None else f"{format_number(value, 1)}{PERMILLE}"


def _ordinal(rank: int) -> str:
    return "1er" if rank == 1 else f"{rank}e"


def _rank_text(rank, ranked) -> str:
    return "–" if rank is None else f"{_ordinal(int(rank))} sur {format_count(ranked)}"


def _masked_text(threshold: int) -> str:
    return f"{MASKED_TEXT} (< {threshold})"


def _disclosed(labels: Sequence[str], rows: Sequence[dict | None], threshold: int) -> tuple[list, list[str], list[str]]:
    """(values, texts, masked labels) of the rates of `rows`: a rate whose count of people (its
    numerator) is under the threshold is masked like the count itself; a missing row is 'non publié'."""
    disclosed = disclose_counts(labels, [r["numerator"] if r else None for r in rows], threshold)
    masked = set(disclosed.masked)
    values, texts = [], []
    for label, row in zip(labels, rows):
        if label in masked:
            values.append(None)
            texts.append(_masked_text(threshold))
        elif row is None or row["rate_per_1000"] is None:
            values.append(None)
            texts.append("non publié")
        else:
            values.append(row["rate_per_1000"])
            texts.append(_permille(row["rate_per_1000"]))
    return values, texts, disclosed.masked


def _floats(values: Sequence) -> list:
    return [None if v is None else float(v) for v in values]  # drawing only; texts carry the exact figures


# ------------------------------------------------------------------ 1. the map


def _map_chart(con: duckdb.DuckDBPyConnection, rows: pl.DataFrame, places: list[dict], threshold: int) -> Chart:
    records = rows.to_dicts()
    year = records[0]["year"]
    labels = [f"{r['territory_name']} ({r['territory_code']})" for r in records]
    values, texts, masked = _disclosed(labels, [r if r["value_code"] else None for r in records], threshold)
    hovers, shown, hidden = [], [], []
    for label, r, value, text in zip(labels, records, values, texts):
        if value is not None and r["value_code"] != r["territory_code"]:
            text = f"{r['value_name']} : {text} (valeur d'ensemble)"
        rank = f"<br>Rang : {_rank_text(r['rank_france'], r['ranked_france'])} départements" if value is not None else ""
        hovers.append(f"<b>{label}</b><br>{text} en {year}{rank}")
        (shown if value is not None else hidden).append(len(hovers) - 1)
    figure = go.Figure(layout=base_layout(680, margin={"l": 10, "r": 10, "t": 40, "b": 10}))
    outlined = [
        (p["territory_code"], p["territory_name"], *OUTLINE_STYLE[p["role"]]) for p in places if p["role"] in OUTLINE_STYLE
    ]
    for trace in maps.outline_traces(records, outlined):  # first: see maps.outline_traces
        figure.add_trace(trace)
    maps.shade(
        figure,
        records,
        [None if i in hidden else values[i] for i in range(len(records))],
        hovers,
        {"title": {"text": "‰"}, "ticksuffix": PERMILLE, "thickness": 14, "len": 0.7},
        MAP_INDICATOR.short,
    )
    maps.frame_metropolitan(figure)
    focus = next(p for p in places if p["role"] == "focus")
    outlined = [p["territory_name"] for p in places if p["role"] in OUTLINE_STYLE]
    notes = [
        f"Lecture : plus la teinte est foncée, plus la part des habitants de 60 ans ou plus bénéficiaires de l'APA est "
        f"élevée ; contours épais : {_and(outlined)}. Le rang classe les départements de France (outre-mer compris) du "
        "taux le plus élevé (1er) au plus faible."
    ]
    wholes = sorted({(r["value_name"], r["value_code"]) for r in records if r["value_code"] not in (None, r["territory_code"])})
    for name, code in wholes:
        parts = [f"{r['territory_name']} ({r['territory_code']})" for r in records if r["value_code"] == code]
        notes.append(
            f"{_and(parts)} : la DREES publie en {year} un seul chiffre pour l'ensemble, « {name} » ({code}), reporté sur chacun."
        )
    if focus["territory_code"] not in {r["territory_code"] for r in records}:
        notes.append(
            f"{focus['territory_name']} ({focus['territory_code']}) : pas de contour sur cette carte des départements "
            "métropolitains ; son taux et son rang sont dans le graphique des rangs et les séries ci-dessous."
        )
    missing = [labels[i] for i in hidden if labels[i] not in masked]
    if missing:
        notes.append(f"Non publié en {year} (en gris) : {_and(missing)}.")
    notes += masked_note(masked, threshold)
    outline = (f"{OUTLINES[0]}, {OUTLINES[1]}, {_editions_text({r['outline_edition'] for r in records})} "
               f"(fichier {_and(sorted({r['outline_file'] for r in records}))})")  # fmt: skip
    source = _rate_source(con, MAP_INDICATOR, rows.filter(pl.col("value_code").is_not_null()), [outline])
    table_rows = [
        [r["territory_name"], r["territory_code"], text if r["value_code"] in (None, r["territory_code"]) else f"{text} ({r['value_name']})",
         _rank_text(r["rank_france"], r["ranked_france"]) if value is not None else "–"]
        for r, value, text in zip(records, values, texts)
    ]  # fmt: skip
    return Chart(
        "carte_apa",
        f"{MAP_INDICATOR.title}, par département métropolitain, en {year} {maps.focus_in_title(focus, records)}",
        figure,
        [source],
        notes=notes,
        table=(["Département", "Code", f"{MAP_INDICATOR.short} {year}", "Rang en France"], table_rows),
    )


# ------------------------------------------------------------------ 2. ranks and position


def _position_chart(
    con: duckdb.DuckDBPyConnection, latest: pl.DataFrame, places: list[dict], place: dict, threshold: int
) -> Chart:
    """Per indicator, in its latest year: the départements of the région, the région, France
    métropolitaine and France, the focus highlighted; ranks in the note and the table."""
    roles = {p["territory_code"]: p["role"] for p in places}
    departments = (
        latest.filter((pl.col("region_code") == place["region_code"]) & pl.col("rank_france").is_not_null())
        .select("territory_code", "territory_name").unique().sort("territory_code").rows()
    )  # fmt: skip
    references = [(p["territory_code"], p["territory_name"]) for p in places if p["role"] in REFERENCE_ROLES]
    categories = [*departments, *references]
    names = [name for _, name in categories]
    by_key = {(r["indicator_code"], r["territory_code"]): r for r in latest.iter_rows(named=True)}
    years = {i.code: next((r["year"] for k, r in by_key.items() if k[0] == i.code), None) for i in INDICATORS}
    figure = make_subplots(rows=1, cols=len(INDICATORS), shared_yaxes=True, horizontal_spacing=0.09,
                           subplot_titles=[f"{i.short} ({years[i.code]})" for i in INDICATORS])  # fmt: skip
    figure.update_layout(**base_layout(max(380, 120 + 40 * len(categories)), margin={"l": 10, "r": 30, "t": 50, "b": 10}))
    colours = [FOCUS if roles.get(code) == "focus" else REFERENCE if roles.get(code) in REFERENCE_ROLES else OTHERS
               for code, _ in categories]  # fmt: skip
    notes, masked_all, columns = [], [], []
    for col, indicator in enumerate(INDICATORS, start=1):
        rows = [by_key.get((indicator.code, code)) for code, _ in categories]
        values, texts, masked = _disclosed(names, rows, threshold)
        masked_all += [f"{name} ({indicator.short})" for name in masked]
        columns.append((rows, texts))
        figure.add_trace(
            go.Bar(x=_floats(values), y=names, orientation="h", marker={"color": colours}, text=texts, textposition="outside",
                   cliponaxis=False, hovertemplate=f"%{{y}}<br>{indicator.short} : %{{text}}<extra></extra>", showlegend=False),
            row=1, col=col,
        )  # fmt: skip
        top = max([float(v) for v in values if v is not None] or [1.0])
        figure.update_xaxes(value_axis(indicator.axis_short, PERMILLE), range=[0, top * 1.45], row=1, col=col)
        for name, text in zip(names, texts):
            if text.startswith(MASKED_TEXT):
                figure.add_annotation(text=text, x=0, y=name, xanchor="left", showarrow=False,
                                      font={"color": OKABE_ITO["vermillion"]}, row=1, col=col)  # fmt: skip
        focus_row = by_key.get((indicator.code, place["territory_code"]))
        if focus_row is not None and focus_row["rank_france"] is not None:
            notes.append(
                f"{indicator.short} : {_rank_text(focus_row['rank_france'], focus_row['ranked_france'])} départements de France, "
                f"{_rank_text(focus_row['rank_region'], focus_row['ranked_region'])} {place['region_of_fr']}"
            )
    figure.update_yaxes(autorange="reversed", automargin=True)
    headers = ["Territoire"]
    for indicator in INDICATORS:
        headers += [f"{indicator.short} {years[indicator.code]} (‰)", f"Rang {indicator.short} (France ; région)"]
    table_rows = []
    for i, name in enumerate(names):
        line = [name]
        for rows, texts in columns:
            row, rank = rows[i], "–"
            if row is not None and row["rank_france"] is not None and not texts[i].startswith(MASKED_TEXT):
                rank = f"{_rank_text(row['rank_france'], row['ranked_france'])} ; {_rank_text(row['rank_region'], row['ranked_region'])}"
            line += [texts[i], rank]
        table_rows.append(line)
    sources = [_rate_source(con, i, latest.filter(pl.col("indicator_code") == i.code)) for i in INDICATORS]
    return Chart(
        "position",
        f"{place['territory_name']} face à la France, à la France métropolitaine et aux départements {place['region_of_fr']}, "
        "dernière année publiée",
        figure,
        sources,
        notes=[
            f"Rang {place['name_of_fr']} (1er = taux le plus élevé ; outre-mer compris) : " + " ; ".join(notes) + ".",
            "Lecture : barre bleue pour le département du rapport, noires pour la région, la France métropolitaine et "
            "la France (bénéficiaires de leurs départements rapportés à la somme de leurs populations).",
            *masked_note(masked_all, threshold),
        ],
        table=(headers, table_rows),
    )


# ------------------------------------------------------------------ 3. series


def _series_chart(con: duckdb.DuckDBPyConnection, indicator: Indicator, rows: pl.DataFrame, places: list[dict],
                  threshold: int) -> Chart:  # fmt: skip
    years = sorted(set(rows["year"].to_list()))
    figure = go.Figure(layout=base_layout(440))
    table_columns, masked_all = [], []
    for p in places:
        by_year = {r["year"]: r for r in rows.filter(pl.col("territory_code") == p["territory_code"]).iter_rows(named=True)}
        values, texts, masked = _disclosed([str(y) for y in years], [by_year.get(y) for y in years], threshold)
        masked_all += [f"{p['territory_name']} {y}" for y in masked]
        table_columns.append(texts)
        colour, dash, width = SERIES_STYLE[p["role"]]
        figure.add_scatter(
            x=years, y=_floats(values), mode="lines+markers", name=p["territory_name"], text=texts,
            line={"color": colour, "dash": dash, "width": width}, marker={"size": 5},
            hovertemplate=f"{p['territory_name']}<br>%{{x}} : %{{text}}<extra></extra>",
        )  # fmt: skip
    figure.update_layout(
        xaxis={**category_axis("Année (effectifs au 31 décembre)"), "tickformat": "d", "gridcolor": "#eeeeee"},
        yaxis={**value_axis(indicator.axis, PERMILLE), "rangemode": "tozero"},
        hovermode="closest",
    )
    names = [p["territory_name"] for p in places]
    return Chart(
        indicator.chart_id,
        f"{indicator.title}, de {years[0]} à {years[-1]}",
        figure,
        [_rate_source(con, indicator, rows)],
        notes=masked_note(masked_all, threshold),
        table=(["Année", *names], [[str(y), *(column[i] for column in table_columns)] for i, y in enumerate(years)]),
    )


# ------------------------------------------------------------------ 4. revisions


def _measure_label(measure: str, label: str | None) -> str:
    """A DREES measure by its label; an INSEE population band ('all:60-+') in words."""
    if label:
        return label
    sex, _, ages = measure.partition(":")
    if ages:
        low, _, high = ages.partition("-")
        who = {"all": "ensemble", "male": "hommes", "female": "femmes"}.get(sex, sex)
        return f"population ({who}), {low} ans ou plus" if high == "+" else f"population ({who}), {low} à {high} ans"
    return measure


def _revisions_section(con: duckdb.DuckDBPyConnection, rows: pl.DataFrame, total: int, place: dict, threshold: int) -> str:
    title = f"Révisions entre éditions des chiffres {place['name_of_fr']}"
    if total == 0:
        return html_section(
            "revisions", title, html_note("Aucun chiffre n'a changé d'une édition à l'autre des publications présentes.")
        )
    table, masked = [], []
    for r in rows.iter_rows(named=True):
        label = _measure_label(r["measure"], r["measure_label"])
        if r["is_amount"]:
            earlier, later, delta = (
                format_eur(r["earlier_value"]),
                format_eur(r["later_value"]),
                format_eur(r["delta"], sign=True),
            )
        else:
            key = f"{label} {r['year']}"
            shown = disclose_counts([key, key], [r["earlier_value"], r["later_value"]], threshold)
            if shown.masked:  # either value reveals the other through the delta: both masked
                masked.append(key)
                earlier = later = delta = _masked_text(threshold)
            else:
                earlier, later = format_number(r["earlier_value"]), format_number(r["later_value"])
                delta = format_number(r["delta"], sign=True)
        pct = "–" if r["delta_pct"] is None or delta.startswith(MASKED_TEXT) else format_pct(r["delta_pct"], 1, sign=True)
        table.append([label, str(r["year"]), r["earlier_edition"], earlier, r["later_edition"], later, delta, pct])
    shown_count = rows.height
    intro = (
        f"{format_count(total)} chiffre{'s' if total > 1 else ''} {place['name_of_fr']} "
        f"{'ont' if total > 1 else 'a'} changé d'une édition à l'autre"
        + (f" ; les {format_count(shown_count)} plus grands écarts, en valeur absolue :" if total > shown_count else " :")
    )
    notes = "".join(html_note(n) for n in masked_note(sorted(set(masked)), threshold))
    body = (
        f"<p>{_escape(intro)}</p>"
        + html_table(["Mesure", "Année", "Édition antérieure", "Valeur antérieure", "Édition suivante", "Valeur suivante",
                      "Écart", "Écart (%)"], table, numeric=[1, 3, 5, 6, 7])
        + notes
        + f'<p class="source">{_escape(_revisions_source(con, rows, place).footnote())}</p>'
    )  # fmt: skip
    return html_section("revisions", title, body)


def _revisions_source(con: duckdb.DuckDBPyConnection, rows: pl.DataFrame, place: dict) -> PublicationSource:
    sheets: dict[str, set[str]] = {}
    for r in rows.iter_rows(named=True):
        sheets.setdefault(r["publication"], set()).update(r["sheets"] or ())
    parts = []
    for publication in sorted(set(rows["publication"].to_list())):
        mine = rows.filter(pl.col("publication") == publication)
        publisher = next((p for p in mine["publisher"].to_list() if p), "")
        eds = set(mine["earlier_edition"].to_list()) | set(mine["later_edition"].to_list())
        parts.append(
            _publication_part(publisher, publication, eds, sheets.get(publication, ()), "chiffres révisés, marts.revisions")
        )
    return PublicationSource(tuple(parts))


def _escape(text: str) -> str:
    return html.escape(text, quote=True)


# ------------------------------------------------------------------ 6. the CSV


def _rates_csv(con: duckdb.DuckDBPyConnection, threshold: int) -> tuple[bytes, int, int]:
    """Every row of marts.official_rates as CSV for a French spreadsheet: `;`, decimal comma, no
    thousands separator, UTF-8 with BOM, French headers. A row whose count of people (the numerator
    of a rate per 1000, the beneficiaries of an amount per beneficiary) is under the threshold has
    its figures blanked and says so. Returns (bytes, rows, masked rows)."""
    names = [name for name, _ in CSV_COLUMNS]
    cursor = con.execute(
        f"SELECT {', '.join(names)} FROM marts.official_rates ORDER BY indicator_code, year, "
        "CASE territory_level WHEN 'department' THEN 0 WHEN 'department_whole' THEN 0 WHEN 'region' THEN 1 "
        "WHEN 'metropolitan_france' THEN 2 WHEN 'overseas' THEN 3 ELSE 4 END, territory_code"
    )
    records = [dict(zip(names, record)) for record in cursor.fetchall()]
    hidden, secondary = _csv_masked(records, threshold)
    lines = [[header for _, header in CSV_COLUMNS] + [CSV_SECRET]]
    secret = f"{MASKED_TEXT} (effectif inférieur à {format_count(threshold)})"
    rebuild = f"{MASKED_TEXT} (permettrait de recalculer un effectif inférieur à {format_count(threshold)})"
    blanked = {"numerator", "denominator", "rate_per_1000", "amount_eur"}
    columns = [Column(header) for _, header in CSV_COLUMNS]
    for n, row in enumerate(records):
        cells = []
        for name, column in zip(names, columns, strict=True):
            value = row[name]
            if n in hidden and name in blanked:
                value = None
            cells.append(LEVEL_LABELS.get(value, value) if name == "territory_level" else data_cell(value, column))
        lines.append(cells + [rebuild if n in secondary else secret if n in hidden else ""])
    return csv_bytes(lines), len(records), len(hidden)


def _people(row: dict):
    """The count of people a CSV row rests on: the numerator of a rate per 1000, the beneficiaries
    (denominator) of an amount per beneficiary; None for other rows."""
    per_beneficiary = row["rate_per_1000"] is None and row["denominator_age_min"] is None and row["denominator_age_max"] is None
    return row["numerator"] if row["rate_per_1000"] is not None else row["denominator"] if per_beneficiary else None


def _csv_masked(records: list[dict], threshold: int) -> tuple[set[int], set[int]]:
    """(rows masked, of which masked only so that no masked count can be recalculated): per
    indicator and year, a région is the sum of its départements, France métropolitaine of its
    régions, the DROM of theirs, France of both (taken as exact sums, the worst case), so a lone
    masked département would come back as its région minus the others (disclosure.disclose_table)."""
    by_table: dict[tuple, list[int]] = {}
    for n, row in enumerate(records):
        by_table.setdefault((row["indicator_code"], row["year"]), []).append(n)
    hidden, secondary = set(), set()
    for rows in by_table.values():
        counts = [[_people(records[n])] for n in rows]
        if not any(c is not None and 0 < c < threshold for (c,) in counts):
            continue
        level = {k: records[n]["territory_level"] for k, n in enumerate(rows)}
        region = {k: records[n]["region_code"] for k, n in enumerate(rows)}
        at = {lvl: [k for k in level if level[k] == lvl] for lvl in set(level.values())}
        groups = []
        for k in at.get("region", []):
            for parts_level in ("department", "department_whole"):
                parts = [(p, 0) for p in at.get(parts_level, []) if region[p] == region[k]]
                if parts:
                    groups.append(((k, 0), parts))
        regions = at.get("region", [])
        for total_level, overseas in (("metropolitan_france", False), ("overseas", True)):
            for k in at.get(total_level, []):
                groups.append(((k, 0), [(r, 0) for r in regions if (region[r] < "11") == overseas]))
        for k in at.get("country", []):
            groups.append(((k, 0), [(t, 0) for t in at.get("metropolitan_france", []) + at.get("overseas", [])]))
        labels = [[records[n]["territory_code"]] for n in rows]
        result = disclose_table(labels, counts, threshold, groups)
        for k, n in enumerate(rows):
            if result.values[k][0] is None and counts[k][0] is not None:
                hidden.add(n)
                if not 0 < counts[k][0] < threshold:
                    secondary.add(n)
    return hidden, secondary


def _download(rows: int, masked: int, threshold: int) -> str:
    masked_text = ""
    if masked:
        masked_text = (
            f" {format_count(masked)} ligne{'s' if masked > 1 else ''} dont l'effectif est inférieur à {format_count(threshold)}, "
            "ou qui permettraient de le recalculer (région moins ses autres départements), "
            f"{'ont leurs' if masked > 1 else 'a ses'} chiffres masqués, au titre du secret statistique."
        )
    return (
        f'<p class="download"><a href="{CSV_NAME}" download>Télécharger la table complète des taux officiels '
        f"({CSV_NAME}, {_escape(format_count(rows))} lignes)</a> : une ligne par territoire, indicateur et année, avec "
        "numérateur, dénominateur, rangs et éditions ; séparateur point-virgule, virgule décimale, encodage UTF-8."
        f"{_escape(masked_text)}</p>"
    )


# ------------------------------------------------------------------ page text


def _intro(con: duckdb.DuckDBPyConnection, place: dict, neighbour: dict | None) -> str:
    compared = ""
    if neighbour is not None:
        try:
            of_neighbour = queries.territory(con, neighbour["territory_code"])["name_of_fr"]
        except LookupError:
            of_neighbour = f"de {neighbour['territory_name']}"
        compared = (
            f" Les séries suivent aussi celle {of_neighbour}, le plus peuplé des autres départements {place['region_of_fr']}."
        )
    return (
        f"Chiffres officiels de la DREES (aide sociale départementale, minima sociaux) et de l'INSEE (estimations de "
        f"population) situant le département {place['name_of_fr']} parmi les départements métropolitains, face à la "
        f"France et aux départements {place['region_of_fr']}, depuis la première année publiée. Un taux rapporte les "
        "bénéficiaires au 31 décembre d'une année à la population au 1er janvier de l'année suivante ; pour une région "
        "ou la France, la somme des bénéficiaires de ses départements est rapportée à la somme de leurs populations."
        f"{compared} Chaque graphique cite la publication, l'édition et la feuille de ses chiffres ; les chiffres révisés "
        "d'une édition à l'autre sont listés en fin de page."
    )


def _headline(latest: pl.DataFrame, places: list[dict], revised: int, csv_rows: int, threshold: int) -> list[tuple[str, str]]:
    focus = next(p for p in places if p["role"] == "focus")
    country = next((p for p in places if p["role"] == "country"), None)
    by_key = {(r["indicator_code"], r["territory_code"]): r for r in latest.iter_rows(named=True)}
    headline = []
    for indicator in INDICATORS:
        row = by_key.get((indicator.code, focus["territory_code"]))
        if row is None:
            continue
        france = by_key.get((indicator.code, country["territory_code"])) if country else None
        _, [value], masked = _disclosed([focus["territory_name"]], [row], threshold)
        text = value if masked else f"{value}, {_rank_text(row['rank_france'], row['ranked_france'])} départements"
        if france is not None:
            text += f" ; {france['territory_name']} : {_permille(france['rate_per_1000'])}"
        headline.append((f"{indicator.title} ({row['year']})", text))
    headline.append(("Chiffres révisés entre éditions", format_count(revised)))
    headline.append(("Table complète des taux", f"{CSV_NAME} ({format_count(csv_rows)} lignes)"))
    return headline
