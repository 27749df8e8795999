"""indicateurs.html: the département the reports are about (AUTONOMY_DEPARTMENT_CODE) against
France and the other départements of its région. Names come from marts.rpt_reports__territories."""

from __future__ import annotations

import duckdb
import polars as pl

from ..core.frenchfmt import UNIT_SPACE, format_count, format_eur, format_number, format_pct, format_per_1000
from . import exports, queries
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


# Hauts-de-France comparisons: (indicator_code, chart id, title, axis title, tick suffix, formatter).
# Each formatter takes (value, decimals): the decimals the document printed for the value.
TERRITORY_CHARTS = (
    ("aeeh_rate_0_19", "aeeh_taux_0_19", "Taux d'enfants de 0 à 19 ans percevant l'AEEH, par département",
     "Enfants percevant l'AEEH (% des 0-19 ans)", PERCENT, format_pct),
    ("aah_rate_adults", "aah_taux_adultes", "Taux d'adultes percevant l'AAH, par département",
     "Adultes percevant l'AAH (% des adultes)", PERCENT, format_pct),
    ("drl_children_per_inhabitant_0_19", "drl_enfants_par_habitant", "Dépenses DRL enfants par habitant de 0 à 19 ans",
     "Dépense par habitant de 0 à 19 ans (€)", EURO, _euros),
    ("drl_adults_per_inhabitant_20plus", "drl_adultes_par_habitant", "Dépenses DRL adultes par habitant de 20 ans et plus",
     "Dépense par habitant de 20 ans et plus (€)", EURO, _euros),
)  # fmt: skip


def build(con: duckdb.DuckDBPyConnection, threshold: int) -> Report:
    docs = queries.documents(con)
    place = queries.territory(con)
    mdph = queries.mdph_rights(con)
    charts = [_mdph_rates(mdph, docs, place), _mdph_overrepresentation(mdph, docs, place)]
    territory = {code: queries.territory_indicator(con, code) for code, *_ in TERRITORY_CHARTS}
    charts += [_territory_chart(territory[spec[0]], docs, *spec[1:]) for spec in TERRITORY_CHARTS]
    projection = queries.indicators(
        con, ["pop_75plus", "pop_75plus_2030", "pop_75plus_change_2024_2030"], place["territory_code"]
    )
    growth = queries.indicator_rate(con, "pop_75plus_growth_2024_2030_pct", place["territory_code"])
    charts.append(_projection_75plus(projection, growth, docs, threshold, place))
    apa = queries.indicators(con, ["apa_per_1000_60plus", "apa_home_share"], place["territory_code"])
    departments = territory[TERRITORY_CHARTS[0][0]].filter(pl.col("territory_level") == "department").height
    report = Report(
        slug=SLUG,
        title=TITLE.format(of=place["name_of_fr"], region_of=place["region_of_fr"]),
        intro=(
            "Ces graphiques reprennent les chiffres imprimés dans la convention CNSA-ARS-Département-MDPH "
            f"2025-2028 {place['name_of_fr']} : droits ouverts à la MDPH comparés à la France entière, indicateurs "
            f"enfance et adultes des {_count_word(departments)} départements {place['region_of_fr']} avec la valeur "
            "régionale en référence, et projection de la population de 75 ans et plus. Chaque graphique indique sa "
            "source, l'année des données et les lignes du document d'où viennent les chiffres."
        ),
        charts=charts,
        refreshed_at=queries.refresh_info(con).get("published_at"),
        headline=_headline(mdph, territory, projection, apa, threshold, place),
    )
    return exports.attach(report, con, threshold)  # its CSV files, linked under their tables


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


def _projection_75plus(frame: pl.DataFrame, growth, docs: dict[str, Document], threshold: int, place: dict) -> Chart:
    """growth: (2030 / 2024 − 1) × 100, computed by dbt (marts.indicator_rates)."""
    by_code = {r["indicator_code"]: r for r in frame.iter_rows(named=True)}
    start, end = by_code["pop_75plus"], by_code["pop_75plus_2030"]
    labels = [f"{start['reference_period']} ({start['source']})", f"{end['reference_period']} (projection {end['source']})"]
    disclosed = disclose_counts(labels, [start["value"], end["value"]], threshold)
    bars = [
        Bar(label, value, text, focus=True) for label, value, text in zip(labels, disclosed.values, disclosed.texts, strict=True)
    ]
    figure = bar_chart(bars, "Personnes de 75 ans et plus (nombre)", "Année", height=380)
    change = by_code["pop_75plus_change_2024_2030"]["value"]
    notes = disclosed.note(threshold)
    if not disclosed.masked and growth is not None:
        notes.append(
            f"Écart imprimé : {format_number(change, 0, sign=True)} personnes, soit {format_pct(growth, 1, sign=True)} "
            f"(pourcentage calculé à partir des deux effectifs imprimés ; le document imprime « 1,22 » dans sa colonne "
            f"« en pourcentage », qui est le rapport {format_count(end['value'])} / {format_count(start['value'])})."
        )
    return Chart(
        "population_75_plus",
        f"Population de 75 ans et plus {place['name_in_fr']} : 2024 et projection 2030",
        figure,
        source_of(frame, docs),
        notes=notes,
        table=(
            ["Année", "Personnes de 75 ans et plus"],
            [[label, text] for label, text in zip(labels, disclosed.texts, strict=True)],
        ),
    )


def _permille(value, decimals: int) -> str:
    return format_per_1000(value, decimals)  # at the precision the document printed (marts printed_decimals)


def _headline(mdph: pl.DataFrame, territory: dict, projection: pl.DataFrame, apa: pl.DataFrame, threshold: int,
              place: dict) -> list[tuple[str, str]]:  # fmt: skip
    top = mdph.sort("overrepresentation_pct", descending=True).row(0, named=True)
    aeeh = mdph.filter(pl.col("prestation_code") == "aeeh").row(0, named=True)
    aeeh_rates = territory["aeeh_rate_0_19"]
    focus = aeeh_rates.filter(pl.col("is_focus")).row(0, named=True)
    region = aeeh_rates.filter(pl.col("is_focus_region")).row(0, named=True)
    values = {r["indicator_code"]: r for r in apa.vstack(projection).iter_rows(named=True)}
    pop = disclose_counts(["2024", "2030"], [values["pop_75plus"]["value"], values["pop_75plus_2030"]["value"]], threshold)
    return [
        ("Droits AEEH pour 1\u202f000 habitants", f"{_permille(aeeh['per_1000_department'], aeeh['per_1000_decimals'])} {place['name_in_fr']}, "
         f"{_permille(aeeh['per_1000_france'], aeeh['per_1000_decimals'])} en France ({aeeh['reference_period']})"),
        ("Plus forte surreprésentation MDPH", f"{top['prestation']} : {format_pct(top['overrepresentation_pct'], 0, sign=True)}"),
        ("Enfants percevant l'AEEH", f"{format_pct(focus['value'], focus['printed_decimals'])} {place['name_in_fr']}, "
         f"{format_pct(region['value'], region['printed_decimals'])} "
         f"{place['region_in_fr']}"),
        ("Bénéficiaires de l'APA pour 1\u202f000 habitants de 60 ans et plus",
         f"{_permille(values['apa_per_1000_60plus']['value'], values['apa_per_1000_60plus']['printed_decimals'])} ({values['apa_per_1000_60plus']['reference_period']})"),
        ("Population de 75 ans et plus", f"{pop.texts[0]} en 2024, {pop.texts[1]} en 2030 (projection)"),
    ]  # fmt: skip
