"""The FAP part of activite_sad.html: what the monthly billing exports say, month by month and
per SAD. The annex charts show the hours the deliberation printed; these show the lines they
aggregate. Beneficiary counts are counts of people: those under the threshold are masked."""

from __future__ import annotations

import duckdb
import polars as pl

from ..core.frenchfmt import UNIT_SPACE, format_count, format_eur, format_hours, format_month
from . import queries
from .charts import SERIES, Bar, Series, bar_chart, grouped_bars, room_for_labels
from .disclosure import disclose_rows_with_total
from .framework import Chart, FileSource

HOURS = f"{UNIT_SPACE}h"
# prestation code -> (label, column of marts.rpt_activite_sad__fap_months)
PRESTATIONS = {
    "APA": ("APA", "apa_hours_billed"),
    "PCH": ("PCH", "pch_hours_billed"),
    "ASG": ("aide sociale générale (ASG)", "asg_hours_billed"),
}


def fap_charts(con: duckdb.DuckDBPyConnection, threshold: int, place: dict, with_annex: bool = True) -> list[Chart]:
    """The two FAP charts, or none when no monthly export of the département has been loaded.
    with_annex: the page shows the annex hours the FAP APA hours are reconciled with."""
    if not queries.table_exists(con, "marts", "rpt_activite_sad__fap_months"):
        return []
    monthly = queries.fap_monthly_hours(con, place["territory_code"])
    if monthly.is_empty():
        return []
    months = monthly["month"].to_list()  # in month order (the query's)
    files = queries.fap_files(con, months)
    source = _source(files, monthly["year"][0], place)
    synthetic = files.filter(pl.col("synthetic"))["month"].to_list()
    return [
        _monthly_hours(monthly, source, synthetic, with_annex),
        _beneficiaries(con, months[-1], place["territory_code"], threshold, source),
    ]


def _source(files: pl.DataFrame, year: int, place: dict) -> FileSource:
    return FileSource(
        what=f"exports mensuels de facturation FAP du Département {place['name_of_fr']}, {year}",
        files=tuple(files["file_name"].to_list()),
        detail=f"{format_count(files['year_row_count'][0])} lignes ; empreintes sha256 dans marts.fap_files",
    )


def _monthly_hours(monthly: pl.DataFrame, source: FileSource, synthetic: list[str], with_annex: bool) -> Chart:
    months = monthly["month"].to_list()
    series = []
    for (name, column), colour in zip(PRESTATIONS.values(), SERIES, strict=False):
        values = monthly[column].to_list()
        series.append(Series(name, values, [_hours(v) for v in values], colour))
    labels = [format_month(m) for m in months]
    year, apa_year, months_in_year = (
        monthly.row(0, named=True)["year"],
        monthly["year_apa_hours_billed"][0],
        monthly["months_in_year"][0],
    )
    ticks = [label.replace(" ", "<br>") for label in labels]  # "septembre<br>2024": twelve months side by side
    figure = grouped_bars(ticks, series, "Heures facturées (h)", "Mois de facturation", HOURS, stacked=True,
                          horizontal=False, height=460)  # fmt: skip
    rows = [
        [
            label,
            *(_hours(r[column]) for _, column in PRESTATIONS.values()),
            _hours(r["hours_billed"]),
            format_eur(r["amount_eur"]),
        ]
        for label, r in zip(labels, monthly.iter_rows(named=True), strict=True)
    ]
    notes = [
        f"Les heures d'APA facturées via FAP en {year} ({_hours(apa_year)} sur {format_count(months_in_year)} mois) sont "
        "rapprochées à chaque actualisation des heures imprimées par SAD dans l'annexe ci-dessus (contrôle bloquant "
        "fap_hours, rapport « Rapprochement »)."
        if with_annex
        else f"Heures facturées via FAP en {year} : {_hours(apa_year)} d'APA sur {format_count(months_in_year)} mois. Aucune "
        "annexe de délibération chargée ne les imprime par SAD : elles ne sont rapprochées d'aucun chiffre publié.",
    ]
    if synthetic:
        which = (
            "Les exports lus sont"
            if len(synthetic) == len(months)
            else (
                f"{format_count(len(synthetic))} des {format_count(len(months))} exports lus "
                f"({', '.join(format_month(m) for m in synthetic)}) sont"
            )
        )
        notes.append(
            f"{which} l'échantillon synthétique livré avec le projet (make fap-sample, docs/fap_format.md), pas des "
            "facturations réelles : ses heures d'APA annuelles par SAD égalent l'annexe de répartition de l'enveloppe, "
            "ses bénéficiaires et ses heures PCH et ASG sont fictifs."
        )
    if months_in_year < 12:
        notes.append(f"Seuls {format_count(months_in_year)} mois de {year} ont été reçus : l'année est incomplète.")
    return Chart(
        "fap_heures_par_mois",
        f"Heures facturées via FAP en {year}, par mois et par prestation",
        figure,
        [source],
        notes=notes,
        table=(["Mois", *(name for name, _ in PRESTATIONS.values()), "Total des heures", "Montant facturé"], rows),
    )


def _beneficiaries(con: duckdb.DuckDBPyConnection, month: str, department_code: str, threshold: int, source: FileSource) -> Chart:
    frame = queries.fap_beneficiaries(con, month, department_code)
    labels = frame["sad_label"].to_list()  # the label every report prints (dbt, int_sad__labels)
    columns = {"ALL": "beneficiaries_all", **{code: f"beneficiaries_{code.lower()}" for code in PRESTATIONS}}
    names = [code if code != "ALL" else "toutes prestations" for code in columns]
    # each row is one group: "toutes prestations" bounds the sum of its prestations, so a lone
    # masked prestation could be narrowed down from the three other cells of its row
    disclosed = disclose_rows_with_total(
        labels, names, [list(row) for row in frame.select(list(columns.values())).iter_rows()], threshold
    )
    everyone = [row[0] for row in disclosed.values]
    everyone_texts = [row[0] for row in disclosed.texts]
    bars = [Bar(label, value, text, focus=True) for label, value, text in zip(labels, everyone, everyone_texts, strict=True)]
    figure = bar_chart(bars, "Bénéficiaires facturés dans le mois (personnes)", "Service autonomie à domicile (commune)",
                       horizontal=True, height=110 + 24 * len(bars), text_outside=True)  # fmt: skip
    room_for_labels(figure, [v for v in everyone if v is not None] or [0], share=0.15)
    # one note for the four columns, worded as every masked count of the reports
    notes = disclosed.note(threshold)
    notes.append(
        "Une personne qui reçoit plusieurs prestations du même SAD compte une fois dans « toutes prestations » : "
        "cette colonne n'est pas la somme des trois autres."
    )
    table_rows = [[label, *disclosed.texts[i]] for i, label in enumerate(labels)]
    return Chart(
        "fap_beneficiaires_par_sad",
        f"Bénéficiaires facturés par SAD en {format_month(month)}",
        figure,
        [source],
        notes=notes,
        table=(["SAD (commune)", "Toutes prestations", *(name for name, _ in PRESTATIONS.values())], table_rows),
    )


def _hours(value) -> str:
    return format_hours(value)  # whole hours, as the annex prints them (issue 14: one rule per unit)
