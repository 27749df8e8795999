"""etablissements.html: the EHPAD of the département the reports are about (AUTONOMY_DEPARTMENT_CODE)
in CNSA's export of the prices they declare, beside its région and France, and the processing
times of its MDPH against France and the 2026 target (the government's results barometer).

Reads the rpt_ models made for it in dbt (rpt_reports__places, rpt_etablissements__*): every
median, decile, rank, change and gap is computed there; this module selects rows, formats and
lays them out. The file names no establishment: they are shown by FINESS number, and the page
says so. Counts here are establishments and durations, not people: nothing to mask."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import duckdb
import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from ..core.frenchfmt import UNIT_SPACE, format_count, format_date, format_eur, format_number
from . import exports, maps, queries
from .charts import FOCUS, OKABE_ITO, REFERENCE, base_layout, category_axis, value_axis
from .framework import Chart, FileSource, Report, html_note, html_section, lines_text

SLUG = "etablissements"
# {of}: the département, named from marts.rpt_reports__territories (catalog and index)
TITLE = "Prix des EHPAD, tarifs dépendance et délais de traitement des MDPH {of}, face à la région et à la France"
EURO_DAY = f"{UNIT_SPACE}€"
MONTHS_UNIT = f"{UNIT_SPACE}mois"
CNSA = "CNSA, export des prix déclarés par les EHPAD (portail pour-les-personnes-agees.gouv.fr)"
BAROMETRE = (
    "Baromètre des résultats de l'action publique (DITP), indicateurs IND-296 et IND-297, chiffres du baromètre "
    "des MDPH de la CNSA"
)
OUTLINES = "IGN, contours des départements métropolitains (Admin Express simplifiés)"
NO_NAMES = (
    "Le fichier de la CNSA ne donne pas le nom des établissements : chacun est désigné par son numéro FINESS "
    "(répertoire national des établissements sanitaires et sociaux)."
)


@dataclass(frozen=True)
class Measure:
    code: str  # measure_code of marts.ehpad_price_summary
    short: str
    title: str


MEASURES = (
    Measure("price_permanent_single", "Hébergement, chambre seule", "prix de l'hébergement permanent en chambre seule"),
    Measure("tariff_gir_1_2", "Tarif GIR 1-2", "tarif dépendance GIR 1-2"),
    Measure("tariff_gir_3_4", "Tarif GIR 3-4", "tarif dépendance GIR 3-4"),
    Measure("tariff_gir_5_6", "Tarif GIR 5-6", "tarif dépendance GIR 5-6"),
)
MDPH = (
    ("mdph_requests_excluding_aah", "Demandes hors AAH"),
    ("aah_requests", "Demandes d'AAH"),
)
MAP_MDPH = MDPH[0][0]
ROLE_STYLE = {  # colour, dash, width of a place in the charts
    "focus": (FOCUS, "solid", 3),
    "region": (OKABE_ITO["bluish_green"], "solid", 2),
    "metropolitan": (OKABE_ITO["grey"], "solid", 2),
    "country": (REFERENCE, "dash", 2),
}
OUTLINE = (OKABE_ITO["vermillion"], 3.5)


def build(con: duckdb.DuckDBPyConnection, threshold: int) -> Report:
    del threshold  # establishments and months: no count of people to mask
    places = _places(con)
    focus = places["focus"]
    of = _name_of(con, focus)
    distribution = _frame(
        con, "SELECT * FROM marts.rpt_etablissements__price_distribution ORDER BY measure_code, edition_year, display_order"
    )
    price_map = _frame(con, "SELECT * FROM marts.rpt_etablissements__price_map ORDER BY territory_code")
    changes = _frame(con, "SELECT * FROM marts.rpt_etablissements__changes")
    mdph = _frame(con, "SELECT * FROM marts.rpt_etablissements__mdph_series ORDER BY indicator_code, display_order, measured_on")
    mdph_map = _frame(
        con, "SELECT * FROM marts.rpt_etablissements__mdph_map WHERE indicator_code = ? ORDER BY territory_code", [MAP_MDPH]
    )
    edition = price_map["edition_year"][0]
    latest = distribution.filter(pl.col("edition_year") == edition)
    listed = _focus_listed(latest, focus)
    charts = [
        _distribution_chart(latest, places, focus, of, edition, changes),
        _price_map_chart(price_map, focus, of),
    ]
    closing = ""
    if changes.filter(pl.col("listed_in") == "both").height:
        charts.append(_changes_chart(changes, focus, of))
    else:
        closing = _no_change_section(changes, focus, of, edition)
    charts += [_mdph_chart(mdph, places, focus, of), _mdph_map_chart(mdph_map, focus, of)]
    report = Report(
        slug=SLUG,
        title=TITLE.format(of=of),
        intro=_intro(focus, of, places, edition, listed),
        charts=charts,
        refreshed_at=queries.refresh_info(con).get("published_at"),
        headline=_headline(latest, mdph, focus, edition, listed),
        closing_html=closing,
    )
    return exports.attach(report, con)  # its CSV files, linked under their tables


# ------------------------------------------------------------------ reads (rpt_ models only)


def _frame(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pl.DataFrame:
    return con.sql(sql, params=params).pl()


def _places(con: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    """The compared territories by role (marts.rpt_reports__places): focus, region, metropolitan, country."""
    frame = _frame(
        con,
        "SELECT p.*, t.agreement_suffix FROM marts.rpt_reports__places AS p "
        "LEFT JOIN marts.rpt_reports__territories AS t USING (territory_code) ORDER BY p.display_order",
    )
    places = {r["role"]: r for r in frame.iter_rows(named=True)}
    code = queries.report_department()
    if places.get("focus", {}).get("territory_code") != code:
        raise LookupError(f"marts.territories has no département {code!r} (AUTONOMY_DEPARTMENT_CODE)")
    return places


def _name_of(con: duckdb.DuckDBPyConnection, focus: dict) -> str:
    """'du Pas-de-Calais' from marts.rpt_reports__territories; a département it does not name yet
    is named from the COG: 'de Gironde'."""
    try:
        return queries.territory(con, focus["territory_code"])["name_of_fr"]
    except LookupError:
        return f"de {focus['territory_name']}"


def _focus_listed(latest: pl.DataFrame, focus: dict) -> int:
    rows = latest.filter((pl.col("role") == "focus") & (pl.col("measure_code") == MEASURES[0].code))
    return int(rows["establishments_listed"][0]) if rows.height else 0


# ------------------------------------------------------------------ formatting


def _ordinal(rank: int) -> str:
    return "1er" if rank == 1 else f"{rank}e"


def _rank(rank, ranked) -> str:
    return "–" if rank is None else f"{_ordinal(int(rank))} sur {format_count(ranked)}"


def _euros(value) -> str:
    return "–" if value is None else f"{format_eur(value)} par jour"


def _months(value) -> str:
    return "–" if value is None else f"{format_number(value, 1)}{MONTHS_UNIT}"


def _month_of(day: date) -> str:
    return format_date(day).removeprefix("1er ")


def _and(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " et " + items[-1]


def _label(place: dict, role: str) -> str:
    """A place as the charts' categories name it: 'Pas-de-Calais (62)', 'Hauts-de-France (région)'
    (a région of one département, such as Guadeloupe, stays apart from it)."""
    if role == "focus":
        return _where(place)
    return f"{place['territory_name']} (région)" if role == "region" else place["territory_name"]


def _outline_source(records: list[dict]) -> FileSource:
    """The IGN outlines a metropolitan map of the page is drawn with: editions and files."""
    return FileSource(f"{OUTLINES}, {_editions_text({r['outline_edition'] for r in records})}",
                      tuple(sorted({r["outline_file"] for r in records})), "un contour par département")  # fmt: skip


def _where(focus: dict) -> str:
    return f"{focus['territory_name']} ({focus['territory_code']})"


def _cnsa_source(files: Sequence[str], editions: Sequence[int], detail: str) -> FileSource:
    return FileSource(f"{CNSA}, {_editions(editions)}", tuple(sorted(set(files))), detail)


def _editions(editions: Sequence[int]) -> str:
    ordered = sorted(set(editions))
    return f"édition {ordered[0]}" if len(ordered) == 1 else f"éditions {_and([str(e) for e in ordered])}"


def _focus_lines(changes: pl.DataFrame, later: bool = True) -> tuple[int, ...]:
    column = "later_source_line" if later else "earlier_source_line"
    return tuple(int(v) for v in changes[column].drop_nulls().to_list())


# ------------------------------------------------------------------ 1. distributions


def _distribution_chart(
    latest: pl.DataFrame, places: dict[str, dict], focus: dict, of: str, edition: int, changes: pl.DataFrame
) -> Chart:
    """Per measure, the boxes of the département, its région, France métropolitaine and France:
    first to third quartile, median, whiskers from the first to the ninth decile."""
    roles = [role for role in ("focus", "region", "metropolitan", "country") if role in places]
    names = [_label(places[role], role) for role in roles]
    figure = make_subplots(rows=1, cols=len(MEASURES), shared_yaxes=True, horizontal_spacing=0.05,
                           subplot_titles=[m.short for m in MEASURES])  # fmt: skip
    figure.update_layout(**base_layout(150 + 55 * len(roles), margin={"l": 10, "r": 20, "t": 60, "b": 10}))
    table = []
    for col, measure in enumerate(MEASURES, start=1):
        rows = {r["role"]: r for r in latest.filter(pl.col("measure_code") == measure.code).iter_rows(named=True)}
        for role, name in zip(roles, names, strict=True):
            row = rows.get(role)
            if row is None or row["median_eur"] is None:
                continue
            colour = ROLE_STYLE[role][0]
            figure.add_trace(
                go.Box(y=[name], q1=[float(row["first_quartile_eur"])], median=[float(row["median_eur"])],
                       q3=[float(row["third_quartile_eur"])], lowerfence=[float(row["first_decile_eur"])],
                       upperfence=[float(row["ninth_decile_eur"])], orientation="h", name=name, marker={"color": colour},
                       line={"color": colour}, fillcolor="rgba(255,255,255,0)", showlegend=False,
                       hoverinfo="x", boxpoints=False),
                row=1, col=col,
            )  # fmt: skip
        figure.update_xaxes(value_axis("€ par jour", EURO_DAY), row=1, col=col)
        for role, name in zip(roles, names, strict=True):
            row = rows.get(role)
            if row is None:
                continue
            rank = _rank(row["rank_france"], row["departments_ranked_france"]) if role == "focus" else ""
            table.append([name, measure.short, format_count(row["establishments_listed"]),
                          format_count(row["establishments_with_value"]), format_eur(row["first_decile_eur"]),
                          format_eur(row["median_eur"]), format_eur(row["ninth_decile_eur"]), rank])  # fmt: skip
    figure.update_yaxes(category_axis(""), autorange="reversed")
    notes = [
        "Lecture : la boîte va du premier au troisième quartile des établissements, le trait est la médiane, les "
        "moustaches vont du premier au neuvième décile (un établissement sur dix en dessous, un sur dix au-dessus). "
        "Prix et tarifs par jour, tels que les établissements les déclarent ; un prix hors de sa fourchette plausible "
        "est conservé (il est signalé dans les contrôles de rapprochement).",
        "Rang du département parmi les départements de France (outre-mer compris), 1er = la médiane la plus élevée.",
    ]
    if not _focus_listed(latest, focus):
        notes.insert(0, f"Le fichier de la CNSA (édition {edition}) ne liste aucun EHPAD pour {_where(focus)} : "
                        "seules la région et la France sont représentées.")  # fmt: skip
    files = sorted(set(latest["source_file"].to_list()))
    lines = _focus_lines(changes)
    detail = (f"{lines_text(lines)} pour {focus['territory_name']}" if lines else f"aucune ligne pour {focus['territory_name']}") + (
        " ; toutes les lignes des départements de la région et de France pour les autres territoires"
    )  # fmt: skip
    return Chart(
        "distribution",
        f"Prix d'hébergement et tarifs dépendance des EHPAD {of}, de sa région et de la France (édition {edition})",
        figure,
        [_cnsa_source(files, [edition], detail)],
        notes=notes,
        table=(
            [
                "Territoire",
                "Mesure",
                "EHPAD listés",
                "Ayant déclaré ce prix",
                "1er décile",
                "Médiane",
                "9e décile",
                "Rang de la médiane en France",
            ],
            table,
        ),  # fmt: skip
    )


# ------------------------------------------------------------------ 2. the price map


def _price_map_chart(rows: pl.DataFrame, focus: dict, of: str) -> Chart:
    records = rows.to_dicts()
    edition = records[0]["edition_year"]
    hovers, values = [], []
    for r in records:
        label = f"<b>{r['territory_name']} ({r['territory_code']})</b>"
        if r["median_eur"] is None:
            hovers.append(f"{label}<br>aucun EHPAD listé en {edition}")
            values.append(None)
            continue
        hovers.append(
            f"{label}<br>prix médian : {_euros(r['median_eur'])} ({format_count(r['establishments_with_value'])} EHPAD)"
            f"<br>Rang : {_rank(r['rank_france'], r['departments_ranked_france'])} départements"
        )
        values.append(r["median_eur"])
    figure = go.Figure(layout=base_layout(680, margin={"l": 10, "r": 10, "t": 40, "b": 10}))
    for trace in maps.outline_traces(records, [(focus["territory_code"], focus["territory_name"], *OUTLINE)]):
        figure.add_trace(trace)
    maps.shade(figure, records, values, hovers, {"title": {"text": "€/jour"}, "ticksuffix": EURO_DAY, "thickness": 14,
                                                 "len": 0.7}, "prix médian")  # fmt: skip
    maps.frame_metropolitan(figure)
    notes = [
        "Lecture : plus la teinte est foncée, plus le prix médian de l'hébergement permanent en chambre seule des EHPAD "
        "du département est élevé ; le rang classe les départements de France (outre-mer compris) du prix médian le "
        f"plus élevé (1er) au plus faible ; contour épais : {focus['territory_name']}."
    ]
    if focus["territory_code"] not in {r["territory_code"] for r in records}:
        notes.append(
            f"{_where(focus)} n'est pas sur cette carte des départements métropolitains : ses chiffres sont dans le "
            "tableau ci-dessus et en tête de page."
        )
    missing = [f"{r['territory_name']} ({r['territory_code']})" for r in records if r["median_eur"] is None]
    if missing:
        notes.append(f"En gris, aucun EHPAD listé en {edition} : {_and(missing)}.")
    files = sorted({r["source_file"] for r in records if r["source_file"]})
    outline = _outline_source(records)
    table = [[r["territory_name"], r["territory_code"], format_eur(r["median_eur"]) if r["median_eur"] is not None else "–",
              format_count(r["establishments_listed"]) if r["establishments_listed"] is not None else "0",
              _rank(r["rank_france"], r["departments_ranked_france"])] for r in records]  # fmt: skip
    return Chart(
        "carte_prix",
        f"Prix médian de l'hébergement permanent en chambre seule des EHPAD, par département métropolitain, en {edition} "
        f"{maps.focus_in_title(focus, records)}",
        figure,
        [_cnsa_source(files, [edition], "toutes les lignes de l'édition"), outline],
        notes=notes,
        table=(["Département", "Code", f"Prix médian {edition}", "EHPAD listés", "Rang en France"], table),
    )


def _editions_text(editions: set) -> str:
    ordered = sorted(editions)
    return f"édition {ordered[0]}" if len(ordered) == 1 else f"éditions {_and(ordered)}"


# ------------------------------------------------------------------ 3. change between editions


def _changes_chart(changes: pl.DataFrame, focus: dict, of: str) -> Chart:
    first = changes.row(0, named=True)
    earlier, later = first["earlier_edition_year"], first["later_edition_year"]
    both = changes.filter((pl.col("listed_in") == "both") & pl.col("earlier_price_eur").is_not_null()
                          & pl.col("later_price_eur").is_not_null())  # fmt: skip
    figure = go.Figure(layout=base_layout(560))
    values = [float(v) for v in both["earlier_price_eur"].to_list() + both["later_price_eur"].to_list()]
    low, high = min(values), max(values)
    figure.add_scatter(x=[low, high], y=[low, high], mode="lines", line={"color": OKABE_ITO["grey"], "dash": "dot", "width": 1},
                       name="prix inchangé", hoverinfo="skip")  # fmt: skip
    texts = [
        f"FINESS {r['finess']}<br>{earlier} : {_euros(r['earlier_price_eur'])}<br>{later} : {_euros(r['later_price_eur'])}"
        f"<br>variation : {format_number(r['price_change_eur'], 2, sign=True)}{EURO_DAY}"
        for r in both.iter_rows(named=True)
    ]
    figure.add_scatter(
        x=[float(v) for v in both["earlier_price_eur"].to_list()], y=[float(v) for v in both["later_price_eur"].to_list()],
        mode="markers", marker={"color": FOCUS, "size": 8, "opacity": 0.8}, text=texts,
        hovertemplate="%{text}<extra></extra>", name=f"EHPAD {of} (un point par FINESS)",
    )  # fmt: skip
    figure.update_layout(
        xaxis=value_axis(f"Prix {earlier} (€ par jour)", EURO_DAY), yaxis=value_axis(f"Prix {later} (€ par jour)", EURO_DAY)
    )
    counts = {k: changes.filter(pl.col("listed_in") == k).height for k in ("both", "later_only", "earlier_only")}
    notes = [
        NO_NAMES,
        f"Lecture : un point par établissement listé dans les deux éditions ; au-dessus de la diagonale, le prix a "
        f"augmenté de {earlier} à {later}. {format_count(counts['both'])} EHPAD sont listés dans les deux éditions, "
        f"{format_count(counts['later_only'])} seulement en {later} et {format_count(counts['earlier_only'])} seulement en "
        f"{earlier} (un établissement qui n'a pas déclaré ses prix est absent). Variation médiane du prix : "
        f"{format_number(first['median_price_change_eur'], 2, sign=True)}{EURO_DAY} par jour ; du tarif GIR 1-2 : "
        f"{format_number(first['median_tariff_gir_1_2_change_eur'], 2, sign=True)}{EURO_DAY} par jour.",
    ]
    table = [
        [r["finess"], {"both": "les deux", "later_only": str(later), "earlier_only": str(earlier)}[r["listed_in"]],
         format_eur(r["earlier_price_eur"]), format_eur(r["later_price_eur"]),
         "–" if r["price_change_eur"] is None else format_number(r["price_change_eur"], 2, sign=True) + EURO_DAY,
         "–" if r["price_change_pct"] is None else format_number(r["price_change_pct"], 1, sign=True) + f"{UNIT_SPACE}%",
         format_eur(r["earlier_tariff_gir_1_2"]), format_eur(r["later_tariff_gir_1_2"]),
         " ; ".join(f"{e} l. {line}" for e, line in ((earlier, r["earlier_source_line"]), (later, r["later_source_line"]))
                    if line is not None)]
        for r in changes.iter_rows(named=True)
    ]  # fmt: skip
    files = [f for f in changes["earlier_source_file"].to_list() + changes["later_source_file"].to_list() if f]
    detail = f"{earlier} : {lines_text(_focus_lines(changes, later=False))} ; {later} : {lines_text(_focus_lines(changes))}"
    return Chart(
        "evolution",
        f"Prix de l'hébergement permanent en chambre seule des EHPAD {of}, {earlier} et {later}, établissement par établissement",
        figure,
        [_cnsa_source(files, [earlier, later], detail)],
        notes=notes,
        table=(
            [
                "FINESS",
                "Listé en",
                f"Prix {earlier}",
                f"Prix {later}",
                "Variation",
                "Variation (%)",
                f"GIR 1-2 {earlier}",
                f"GIR 1-2 {later}",
                "Lignes du fichier",
            ],
            table,
        ),  # fmt: skip
    )


def _no_change_section(changes: pl.DataFrame, focus: dict, of: str, edition: int) -> str:
    title = f"Évolution des prix des EHPAD {of} d'une édition à l'autre"
    if changes.is_empty():
        text = (f"Le fichier de la CNSA ne liste aucun EHPAD pour {_where(focus)} dans ses deux dernières éditions : il "
                "n'y a pas d'évolution à montrer.")  # fmt: skip
    else:
        text = (f"Aucun EHPAD {of} n'est listé dans les deux dernières éditions du fichier de la CNSA avec un prix "
                "déclaré dans chacune : il n'y a pas d'évolution à montrer.")  # fmt: skip
    return html_section("evolution", title, html_note(text) + html_note(NO_NAMES))


# ------------------------------------------------------------------ 4. MDPH processing times


def _mdph_chart(rows: pl.DataFrame, places: dict[str, dict], focus: dict, of: str) -> Chart:
    figure = make_subplots(rows=1, cols=len(MDPH), shared_yaxes=True, horizontal_spacing=0.06,
                           subplot_titles=[title for _, title in MDPH])  # fmt: skip
    figure.update_layout(**base_layout(460, margin={"l": 10, "r": 20, "t": 60, "b": 10}))
    days = sorted(set(rows["measured_on"].to_list()) | set(rows["target_date"].drop_nulls().to_list()))
    table, notes = [], []
    for col, (code, title) in enumerate(MDPH, start=1):
        mine = rows.filter(pl.col("indicator_code") == code)
        for role in ("focus", "region", "country"):
            series = mine.filter(pl.col("role") == role)
            if series.is_empty():
                continue
            colour, dash, width = ROLE_STYLE[role]
            name = series["territory_name"][0]
            texts = [_months(v) for v in series["months"].to_list()]
            figure.add_scatter(
                x=series["measured_on"].to_list(), y=[float(v) for v in series["months"].to_list()], text=texts,
                mode="lines+markers", name=name, legendgroup=role, showlegend=col == 1,
                line={"color": colour, "dash": dash, "width": width},
                hovertemplate=f"{name}<br>%{{text}}<extra></extra>", row=1, col=col,
            )  # fmt: skip
            target = series.filter(pl.col("target_months").is_not_null())
            if target.height:
                t = target.row(0, named=True)
                figure.add_scatter(
                    x=[t["target_date"]], y=[float(t["target_months"])], mode="markers", legendgroup=f"{role}-target",
                    marker={"symbol": "diamond-open", "size": 12, "color": colour, "line": {"width": 2}},
                    name=f"Cible {_month_of(t['target_date'])} ({name})", showlegend=col == 1,
                    hovertemplate=f"Cible de {name}<br>{_months(t['target_months'])}<extra></extra>", row=1, col=col,
                )  # fmt: skip
        by_day = {(r["role"], r["measured_on"]): r for r in mine.iter_rows(named=True)}
        for day in sorted(set(mine["measured_on"].to_list())):
            f, c = by_day.get(("focus", day)), by_day.get(("country", day))
            table.append([title, _month_of(day), _months(f["months"]) if f else "–",
                          _rank(f["rank_france"], f["departments_ranked_france"]) if f else "–",
                          _months(c["months"]) if c else "–"])  # fmt: skip
        targets = mine.filter(pl.col("target_months").is_not_null()).unique("role", keep="first", maintain_order=True)
        by_role = {r["role"]: r for r in targets.iter_rows(named=True)}
        if by_role:
            any_target = next(iter(by_role.values()))
            table.append([title, f"cible {_month_of(any_target['target_date'])}",
                          _months(by_role["focus"]["target_months"]) if "focus" in by_role else "–", "",
                          _months(by_role["country"]["target_months"]) if "country" in by_role else "–"])  # fmt: skip
    # one graduation a year, each December (the target's among them), abbreviated: the quarterly
    # measures of 2022-2023 and the 2026 target share a panel half the page wide (every date is in
    # the hover and the table)
    ticks = [d for d in days if d.month == 12] or days[:1]
    figure.update_xaxes(tickvals=ticks, ticktext=[f"déc. {d.year}" if d.month == 12 else _month_of(d) for d in ticks],
                        tickangle=0, gridcolor="#eeeeee", title={"text": "Date de la mesure"})  # fmt: skip
    # the legend under the panels: above them it would cover the panels' titles
    figure.update_layout(legend={"orientation": "h", "yanchor": "top", "y": -0.22, "xanchor": "left", "x": 0})
    figure.update_yaxes(value_axis("Durée moyenne de traitement (mois)", MONTHS_UNIT), rangemode="tozero", row=1, col=1)
    figure.update_layout(hovermode="closest")
    if rows.filter(pl.col("role") == "focus").is_empty():
        notes.append(f"Le baromètre ne donne aucun délai pour {_where(focus)}.")
    if "region" in places and rows.filter(pl.col("role") == "region").is_empty():
        notes.append(
            f"Le baromètre liste la région ({places['region']['territory_name']}) sans aucun chiffre : seuls le "
            "département et la France sont tracés."
        )
    notes.append(
        "Lecture : durée moyenne de traitement des demandes déposées à la MDPH, en mois ; le losange marque la cible "
        "fixée pour décembre 2026. La valeur de la France est celle du baromètre, pondérée par le nombre de demandes "
        "(que le fichier ne donne pas) : ce n'est pas la moyenne des départements. Rang : 1er = le délai le plus court."
    )
    files = sorted(set(rows["source_file"].to_list()))
    focus_rows = rows.filter(pl.col("role") == "focus")
    per_file = [
        f"{file} : {lines_text(mine['source_line'].to_list() + mine['target_source_line'].drop_nulls().to_list())}"
        for file in files
        if (mine := focus_rows.filter(pl.col("source_file") == file)).height
    ]
    detail = f"{' ; '.join(per_file)} pour {focus['territory_name']}, cibles comprises" if per_file else "toutes les lignes"
    return Chart(
        "mdph_delais",
        f"Délai moyen de traitement des demandes à la MDPH {of}, face à la France et à la cible de 2026",
        figure,
        [FileSource(f"{BAROMETRE}, {_editions_text(set(rows['edition'].to_list()))}", tuple(files), detail)],
        notes=notes,
        table=(
            [
                "Indicateur",
                "Date",
                focus["territory_name"],
                "Rang en France",
                places.get("country", {}).get("territory_name", "France"),
            ],
            table,
        ),  # fmt: skip
    )


def _mdph_map_chart(rows: pl.DataFrame, focus: dict, of: str) -> Chart:
    records = rows.to_dicts()
    label_of = dict(MDPH)[MAP_MDPH]
    day = max((r["measured_on"] for r in records if r["measured_on"]), default=None)
    hovers, values = [], []
    for r in records:
        label = f"<b>{r['territory_name']} ({r['territory_code']})</b>"
        if r["months"] is None:
            hovers.append(f"{label}<br>aucun délai publié")
            values.append(None)
            continue
        gap = format_number(r["gap_to_target_months"], 1, sign=True) if r["gap_to_target_months"] is not None else "–"
        hovers.append(f"{label}<br>{_months(r['months'])} ({_month_of(r['measured_on'])}), écart à la cible : {gap}{MONTHS_UNIT}"
                      f"<br>Rang : {_rank(r['rank_france'], r['departments_ranked_france'])} départements")  # fmt: skip
        values.append(r["months"])
    figure = go.Figure(layout=base_layout(680, margin={"l": 10, "r": 10, "t": 40, "b": 10}))
    for trace in maps.outline_traces(records, [(focus["territory_code"], focus["territory_name"], *OUTLINE)]):
        figure.add_trace(trace)
    maps.shade(figure, records, values, hovers, {"title": {"text": "mois"}, "ticksuffix": MONTHS_UNIT, "thickness": 14,
                                                 "len": 0.7}, "délai moyen")  # fmt: skip
    maps.frame_metropolitan(figure)
    notes = [
        "Lecture : plus la teinte est foncée, plus le délai moyen de traitement des demandes (hors AAH) est long ; "
        f"contour épais : {focus['territory_name']}. Rang : 1er = le délai le plus court."
    ]
    if focus["territory_code"] not in {r["territory_code"] for r in records}:
        notes.append(
            f"{_where(focus)} n'est pas sur cette carte des départements métropolitains : ses délais sont dans le "
            "graphique et le tableau ci-dessus."
        )
    missing = [f"{r['territory_name']} ({r['territory_code']})" for r in records if r["months"] is None]
    if missing:
        notes.append(f"En gris, aucun délai publié : {_and(missing)}.")
    files = sorted({r["source_file"] for r in records if r["source_file"]})
    outline = _outline_source(records)
    table = [[r["territory_name"], r["territory_code"], _months(r["months"]),
              _rank(r["rank_france"], r["departments_ranked_france"])] for r in records]  # fmt: skip
    when = _month_of(day) if day else "dernière date"
    return Chart(
        "carte_mdph",
        f"{label_of} : délai moyen de traitement à la MDPH, par département métropolitain, {when} "
        f"{maps.focus_in_title(focus, records)}",
        figure,
        [
            FileSource(
                f"{BAROMETRE}, {_editions_text({r['edition'] for r in records if r['edition']})}",
                tuple(files),
                "dernière ligne datée de chaque département",
            ),
            outline,
        ],  # fmt: skip
        notes=notes,
        table=(["Département", "Code", f"Délai ({when})", "Rang en France"], table),
    )


# ------------------------------------------------------------------ page text


def _intro(focus: dict, of: str, places: dict[str, dict], edition: int, listed: int) -> str:
    region = places.get("region", {}).get("territory_name")
    versus = f"à sa région ({region}) et à la France" if region else "à la France"
    return (
        f"Les EHPAD {of} dans l'export de la CNSA des prix que les établissements déclarent (hébergement par jour, "
        f"tarifs dépendance GIR 1-2, 3-4 et 5-6 arrêtés par le département), comparés {versus} : distributions, carte "
        "des prix médians par département et évolution d'une édition à l'autre, établissement par établissement. "
        f"L'édition {edition} liste {format_count(listed)} EHPAD pour {_where(focus)} ; un établissement qui n'a pas "
        "déclaré ses prix n'y figure pas. Puis le délai moyen de traitement des demandes déposées à la MDPH, hors AAH "
        "et pour l'AAH, face à la France et à la cible de décembre 2026 (baromètre des résultats de l'action "
        f"publique). {NO_NAMES} Chaque graphique cite ses fichiers, éditions et lignes."
    )


def _headline(latest: pl.DataFrame, mdph: pl.DataFrame, focus: dict, edition: int, listed: int) -> list[tuple[str, str]]:
    headline = [(f"EHPAD listés par la CNSA (édition {edition})", format_count(listed) if listed else "aucun")]
    for measure in MEASURES[:2]:
        rows = latest.filter((pl.col("measure_code") == measure.code) & (pl.col("role").is_in(["focus", "country"])))
        by_role = {r["role"]: r for r in rows.iter_rows(named=True)}
        mine, france = by_role.get("focus"), by_role.get("country")
        text = "aucun EHPAD listé" if mine is None else (
            f"{_euros(mine['median_eur'])}, {_rank(mine['rank_france'], mine['departments_ranked_france'])} départements "
            "(1er = le plus élevé)"
        )  # fmt: skip
        if france is not None:
            text += f" ; {france['territory_name']} : {_euros(france['median_eur'])}"
        headline.append((f"Médiane du {measure.title} ({edition})", text))
    for code, title in MDPH:
        rows = mdph.filter((pl.col("indicator_code") == code) & pl.col("is_latest"))
        by_role = {r["role"]: r for r in rows.iter_rows(named=True)}
        mine, france = by_role.get("focus"), by_role.get("country")
        if mine is None:
            headline.append((f"Délai MDPH, {title[0].lower()}{title[1:]}", "non publié"))
            continue
        text = f"{_months(mine['months'])}, {_rank(mine['rank_france'], mine['departments_ranked_france'])} départements"
        if mine["target_months"] is not None:
            text += f" ; cible {_month_of(mine['target_date'])} : {_months(mine['target_months'])}"
        if france is not None:
            text += f" ; {france['territory_name']} : {_months(france['months'])}"
        headline.append((f"Délai MDPH, {title[0].lower()}{title[1:]} ({_month_of(mine['measured_on'])})", text))
    return headline
