"""indicateurs.html: the département the reports are about (AUTONOMY_DEPARTMENT_CODE) against
France and the other départements of its région. Names come from marts.rpt_reports__territories."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import polars as pl

from ..core.frenchfmt import UNIT_SPACE, format_count, format_eur, format_number, format_pct, format_per_1000
from . import absence, exports, queries
from .charts import OKABE_ITO, Bar, Series, bar_chart, bars_with_reference_marks, diverging_bars
from .disclosure import disclose_counts
from .framework import Chart, Document, Report
from .sources import source_of

SLUG = "indicateurs"
# {of} / {region_of}: the département and its région, named from marts.rpt_reports__territories
TITLE = "Indicateurs de l'autonomie {of} comparés à la France et aux départements {region_of}"
PERMILLE = f"{UNIT_SPACE}‰"
PERCENT = f"{UNIT_SPACE}%"
EURO = f"{UNIT_SPACE}€"


def _euros(value, _decimals: int) -> str:
    return format_eur(value)  # euros: always to the cent, whatever the document printed


# The comparisons with the départements of the région: (indicator_code, chart id, title, axis
# title, tick suffix, formatter, what a note names when no loaded table gives it). Each formatter
# takes (value, decimals): the decimals the document printed for the value.
TERRITORY_CHARTS = (
    ("aeeh_rate_0_19", "aeeh_taux_0_19", "Taux d'enfants de 0 à 19 ans percevant l'AEEH, par département",
     "Enfants percevant l'AEEH (% des 0-19 ans)", PERCENT, format_pct, "taux d'enfants percevant l'AEEH"),
    ("aah_rate_adults", "aah_taux_adultes", "Taux d'adultes percevant l'AAH, par département",
     "Adultes percevant l'AAH (% des adultes)", PERCENT, format_pct, "taux d'adultes percevant l'AAH"),
    ("drl_children_per_inhabitant_0_19", "drl_enfants_par_habitant", "Dépenses DRL enfants par habitant de 0 à 19 ans",
     "Dépense par habitant de 0 à 19 ans (€)", EURO, _euros, "dépenses DRL enfants par habitant"),
    ("drl_adults_per_inhabitant_20plus", "drl_adultes_par_habitant", "Dépenses DRL adultes par habitant de 20 ans et plus",
     "Dépense par habitant de 20 ans et plus (€)", EURO, _euros, "dépenses DRL adultes par habitant"),
)  # fmt: skip
PROJECTION = ["pop_75plus", "pop_75plus_2030", "pop_75plus_change_2024_2030"]
PRINTED_GROWTH = "pop_75plus_growth_2024_2030"  # printed beside the projection ("en pourcentage")
APA = ["apa_per_1000_60plus", "apa_home_share"]


def build(con: duckdb.DuckDBPyConnection, threshold: int) -> Report:
    docs = queries.documents(con)
    place = queries.territory(con)
    charts, missing = [], []
    mdph = queries.mdph_rights(con)
    if mdph.height:
        charts += [_mdph_rates(mdph, docs, place), _mdph_overrepresentation(mdph, docs, place)]
    else:
        missing.append(
            absence.no_deliberation(
                docs, f"les droits ouverts à la MDPH pour 1\u202f000 habitants {place['name_of_fr']} et de la France"
            )
        )
    territory = {spec[0]: queries.territory_indicator(con, spec[0]) for spec in TERRITORY_CHARTS}
    drawn = [spec for spec in TERRITORY_CHARTS if _departments(territory[spec[0]]).height]
    charts += [_territory_chart(territory[spec[0]], docs, *spec[1:6]) for spec in drawn]
    absent = [spec[6] for spec in TERRITORY_CHARTS if spec not in drawn]
    if absent:
        missing.append(absence.no_deliberation(docs, f"les {_and(absent)} des départements {place['region_of_fr']}"))
    without_focus = [f"« {spec[2]} »" for spec in drawn if not territory[spec[0]].filter(pl.col("is_focus")).height]
    if without_focus:
        missing.append(f"Les tableaux chargés n'impriment pas de valeur {place['name_of_fr']} pour {_and(without_focus)} : seuls "
                       "les autres départements de sa région y figurent.")  # fmt: skip
    projection = queries.indicators(con, PROJECTION, place["territory_code"], required=False)
    drawn_projection = projection[:0]
    if set(PROJECTION[:2]) <= set(projection["indicator_code"].to_list()):
        growth = queries.indicator_rate(con, f"{PRINTED_GROWTH}_pct", place["territory_code"])
        printed = queries.indicators(con, [PRINTED_GROWTH], place["territory_code"], required=False)
        charts.append(_projection_75plus(projection, growth, printed, docs, threshold, place))
        drawn_projection = projection
    else:
        missing.append(absence.no_deliberation(docs, f"la population de 75 ans et plus {place['name_of_fr']} ni sa projection"))
    apa = queries.indicators(con, APA, place["territory_code"], required=False)
    report = Report(
        slug=SLUG,
        title=TITLE.format(of=place["name_of_fr"], region_of=place["region_of_fr"]),
        intro=_intro(docs, mdph, [territory[spec[0]] for spec in drawn], drawn_projection, place),
        charts=charts,
        refreshed_at=queries.refresh_info(con).get("published_at"),
        headline=_headline(mdph, territory, projection, apa, threshold, place),
        missing=missing,
    )
    return exports.attach(report, con, threshold)  # its CSV files, linked under their tables


def _departments(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.filter(pl.col("territory_level") == "department")


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " et " + items[-1]


def _intro(docs, mdph: pl.DataFrame, regional: list[pl.DataFrame], projection: pl.DataFrame, place: dict) -> str:
    """What the charts show, from the documents their figures come from."""
    parts = []
    if mdph.height:
        parts.append(f"droits ouverts à la MDPH {place['name_of_fr']} comparés à la France entière")
    if regional:
        departments = _departments(regional[0]).height
        parts.append(f"indicateurs enfance et adultes des {_count_word(departments)} départements {place['region_of_fr']} "
                     "avec la valeur régionale en référence")  # fmt: skip
    if projection.height:
        parts.append(f"projection de la population de 75 ans et plus {place['name_of_fr']}")
    document_ids = {d for frame in (mdph, *regional, projection) for d in frame["document_id"].to_list()}
    if not parts:
        return (
            f"Cette page compare les chiffres {place['name_of_fr']} à ceux de la France entière (droits ouverts à la MDPH) "
            f"et des départements {place['region_of_fr']} (indicateurs enfance et adultes), et suit sa population de 75 "
            "ans et plus, à partir des chiffres imprimés dans les délibérations chargées. Chaque graphique indique sa source, "
            "l'année des données et les lignes du document d'où viennent les chiffres."
        )
    return (
        f"Ces graphiques reprennent les chiffres imprimés dans {absence.documents_phrase(docs, document_ids)} : "
        f"{_and(parts)}. Chaque graphique indique sa source, l'année des données et les lignes du document d'où "
        "viennent les chiffres."
    )


def _count_word(count: int) -> str:
    """'cinq' for 5: the intro's wording; a number beyond ten stays in digits."""
    words = ("zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix")
    return words[count] if count < len(words) else format_count(count)


def _mdph_rates(mdph: pl.DataFrame, docs: dict[str, Document], place: dict) -> Chart:
    labels = mdph["prestation"].to_list()
    name = place["territory_name"]
    department, france = mdph["per_1000_department"].to_list(), mdph["per_1000_france"].to_list()
    digits = mdph["per_1000_decimals"].to_list()  # as the document prints the row's two rates
    figure = bars_with_reference_marks(
        labels,
        Series(name, department, [_permille(v, d) for v, d in zip(department, digits, strict=True)], OKABE_ITO["blue"]),
        Series(
            "France entière (référence)",
            france,
            [_permille(v, d) for v, d in zip(france, digits, strict=True)],
            OKABE_ITO["black"],
        ),
        "Droits ouverts pour 1\u202f000 habitants (‰)",
        "Prestation",
        PERMILLE,
    )
    rows = [[p, _permille(a, n), _permille(b, n), format_count(c), format_count(d)] for p, a, b, n, c, d in mdph.select(
        "prestation", "per_1000_department", "per_1000_france", "per_1000_decimals", "rights_open_department",
        "rights_open_france").iter_rows()]  # fmt: skip
    return Chart(
        "mdph_taux",
        f"Droits ouverts à la MDPH pour 1\u202f000 habitants : {name} et France entière (trait noir)",
        figure,
        source_of(mdph, docs),
        table=(["Prestation", name, "France entière", f"Droits ouverts ({name})", "Droits ouverts (France)"], rows),
    )


def _mdph_overrepresentation(mdph: pl.DataFrame, docs: dict[str, Document], place: dict) -> Chart:
    labels, values = mdph["prestation"].to_list(), mdph["overrepresentation_pct"].to_list()
    texts = [format_pct(v, 0, sign=True) for v in values]
    figure = diverging_bars(labels, values, texts, "Écart au taux national (%)", "Prestation", PERCENT)
    return Chart(
        "mdph_surrepresentation",
        f"Surreprésentation des droits MDPH {place['name_in_fr']} par rapport à la France (en %)",
        figure,
        source_of(mdph, docs),
        notes=[
            f"Lecture : un écart de {format_pct(100, 0, sign=True)} signifie un taux de droits ouverts pour "
            "1\u202f000 habitants deux fois plus élevé qu'en France entière ; les écarts sont ceux imprimés dans le document."
        ],
        table=(["Prestation", "Écart au taux national"], [[p, t] for p, t in zip(labels, texts, strict=True)]),
    )


def _territory_chart(frame: pl.DataFrame, docs, chart_id: str, title: str, axis: str, suffix: str, fmt) -> Chart:
    departments = frame.filter(pl.col("territory_level") == "department")
    region = frame.filter(pl.col("territory_level") == "region")
    bars = [Bar(name, value, fmt(value, digits), focus) for name, value, digits, focus in departments.select(
        "territory_name", "value", "printed_decimals", "is_focus").iter_rows()]  # fmt: skip
    reference = None
    if region.height:
        row = region.row(0, named=True)
        reference = (f"{row['territory_name']} (référence)", row["value"], fmt(row["value"], row["printed_decimals"]))
    figure = bar_chart(bars, axis, "Département", suffix, reference=reference)
    rows = [
        [name, fmt(value, digits)]
        for name, value, digits in frame.select("territory_name", "value", "printed_decimals").iter_rows()
    ]
    return Chart(chart_id, title, figure, source_of(frame, docs), table=(["Territoire", axis], rows))


def _projection_75plus(frame: pl.DataFrame, growth, printed: pl.DataFrame, docs: dict[str, Document], threshold: int,
                       place: dict) -> Chart:  # fmt: skip
    """growth: (projection / count − 1) × 100, computed by dbt (marts.indicator_rates); printed:
    the growth as the document prints it, when it does."""
    by_code = {r["indicator_code"]: r for r in frame.iter_rows(named=True)}
    start, end = by_code[PROJECTION[0]], by_code[PROJECTION[1]]
    labels = [f"{start['reference_period']} ({start['source']})", f"{end['reference_period']} (projection {end['source']})"]
    disclosed = disclose_counts(labels, [start["value"], end["value"]], threshold)
    bars = [
        Bar(label, value, text, focus=True) for label, value, text in zip(labels, disclosed.values, disclosed.texts, strict=True)
    ]
    figure = bar_chart(bars, "Personnes de 75 ans et plus (nombre)", "Année", height=380)
    change = by_code.get(PROJECTION[2])
    notes = disclosed.note(threshold)
    if not disclosed.masked and growth is not None and change is not None:
        notes.append(
            f"Écart imprimé : {format_number(change['value'], 0, sign=True)} personnes, soit {format_pct(growth, 1, sign=True)} "
            f"(pourcentage calculé à partir des deux effectifs imprimés{_printed_ratio(printed, start, end)})."
        )
    return Chart(
        "population_75_plus",
        f"Population de 75 ans et plus {place['name_in_fr']} : {start['reference_period']} et projection {end['reference_period']}",
        figure,
        source_of(frame, docs),
        notes=notes,
        table=(
            ["Année", "Personnes de 75 ans et plus"],
            [[label, text] for label, text in zip(labels, disclosed.texts, strict=True)],
        ),
    )


def _printed_ratio(printed: pl.DataFrame, start: dict, end: dict) -> str:
    """When the growth the document prints is the ratio of the two counts, not a percentage, say so."""
    if printed.is_empty() or not start["value"]:
        return ""
    row = printed.row(0, named=True)
    ratio = end["value"] / start["value"]
    if abs(row["value"] - ratio) > Decimal(5) / Decimal(10) ** (row["printed_decimals"] + 1):
        return ""
    label = row["indicator_label"]
    return (
        f" ; le document imprime « {format_number(row['value'], row['printed_decimals'])} » pour « {label} », qui est le "
        f"rapport {format_count(end['value'])} / {format_count(start['value'])}"
    )


def _permille(value, decimals: int) -> str:
    return format_per_1000(value, decimals)  # at the precision the document printed (marts printed_decimals)


def _headline(mdph: pl.DataFrame, territory: dict, projection: pl.DataFrame, apa: pl.DataFrame, threshold: int,
              place: dict) -> list[tuple[str, str]]:  # fmt: skip
    """The key figures the loaded documents give for the département: each line only when its figures are there."""
    lines = []
    aeeh = mdph.filter(pl.col("prestation_code") == "aeeh")
    if aeeh.height:
        row = aeeh.row(0, named=True)
        lines.append(("Droits AEEH pour 1\u202f000 habitants",
                      f"{_permille(row['per_1000_department'], row['per_1000_decimals'])} {place['name_in_fr']}, "
                      f"{_permille(row['per_1000_france'], row['per_1000_decimals'])} en France ({row['reference_period']})"))  # fmt: skip
    if mdph.height:
        top = mdph.sort("overrepresentation_pct", descending=True).row(0, named=True)
        lines.append(
            (
                "Plus forte surreprésentation MDPH",
                f"{top['prestation']} : {format_pct(top['overrepresentation_pct'], 0, sign=True)}",
            )
        )
    aeeh_rates = territory["aeeh_rate_0_19"]
    focus, region = aeeh_rates.filter(pl.col("is_focus")), aeeh_rates.filter(pl.col("is_focus_region"))
    if focus.height and region.height:
        f, r = focus.row(0, named=True), region.row(0, named=True)
        lines.append(("Enfants percevant l'AEEH", f"{format_pct(f['value'], f['printed_decimals'])} {place['name_in_fr']}, "
                      f"{format_pct(r['value'], r['printed_decimals'])} {place['region_in_fr']}"))  # fmt: skip
    values = {r["indicator_code"]: r for r in apa.vstack(projection).iter_rows(named=True)}
    if APA[0] in values:
        apa_row = values[APA[0]]
        lines.append(("Bénéficiaires de l'APA pour 1\u202f000 habitants de 60 ans et plus",
                      f"{_permille(apa_row['value'], apa_row['printed_decimals'])} ({apa_row['reference_period']})"))  # fmt: skip
    if PROJECTION[0] in values and PROJECTION[1] in values:
        start, end = values[PROJECTION[0]], values[PROJECTION[1]]
        pop = disclose_counts([start["reference_period"], end["reference_period"]], [start["value"], end["value"]], threshold)
        lines.append(("Population de 75 ans et plus", f"{pop.texts[0]} en {start['reference_period']}, {pop.texts[1]} en "
                      f"{end['reference_period']} (projection)"))  # fmt: skip
    return lines
