"""compensations.html: how the home-care money a Département pays its SAD splits between older
people (PA) and people with disabilities (PH), per annex and per SAD: the annexes of amounts per
SAD split PA / PH of the loaded deliberations (marts.rpt_compensations__annex_rows).

The home département's own annexes when a loaded deliberation gives some; otherwise those of the
other départements loaded, named as départements de comparaison; otherwise only a note. Every
figure, title and the PH share come from the mart; the intro from marts.documents."""

from __future__ import annotations

import duckdb
import polars as pl

from ..core.frenchfmt import UNIT_SPACE, format_count, format_date, format_eur, format_pct
from . import absence, exports, queries
from .charts import OKABE_ITO, Series, grouped_bars, wrap_title
from .framework import Chart, Document, Report
from .sources import source_of

SLUG = "compensations"
# the index's title: the page itself names the département(s) whose annexes it shows
CATALOG_TITLE = "Compensations et dotations aux SAD : répartition personnes âgées / personnes handicapées"
TITLE = "{names} : répartition personnes âgées / personnes handicapées des compensations et dotations aux SAD"
NO_DATA_TITLE = "Compensations et dotations aux SAD {of} : répartition personnes âgées / personnes handicapées"
EURO = f"{UNIT_SPACE}€"
PA = ("Personnes âgées (PA)", OKABE_ITO["blue"])
PH = ("Personnes en situation de handicap (PH)", OKABE_ITO["orange"])
TOTALS_CHART = "totaux_par_annexe"
LABEL_CHARS = 48  # an annex title on the totals chart's axis wraps at this width


def build(con: duckdb.DuckDBPyConnection, threshold: int) -> Report:
    del threshold  # amounts in euros, per structure: no count of people to mask here
    docs = queries.documents(con)
    place = queries.territory(con)
    shown, comparison = queries.shown_compensation_annexes(con)
    missing = []
    if comparison or shown.is_empty():
        what = (
            f"d'annexe de montants versés aux SAD {place['name_of_fr']} répartis entre personnes âgées et personnes handicapées"
        )
        missing.append(absence.no_deliberation(docs, what))
    annexes = [shown.filter(pl.col("table_id") == t) for t in dict.fromkeys(shown["table_id"].to_list())]
    names = _department_names(shown)
    charts = []
    if annexes:
        totals = _totals(annexes, docs, comparison)
        charts = ([totals] if totals else []) + [_per_sad(frame, docs, comparison) for frame in annexes]
        untotalled = [_title(f, comparison) for f in annexes if f.filter(pl.col("is_total")).is_empty()]
        if untotalled:
            missing.append(
                f"Aucune ligne TOTAL n'est imprimée pour {', '.join(untotalled)} : cette annexe n'est pas dans le graphique des totaux."
            )
    title = (
        TITLE.format(names=f"{names} ({'département' if len(_codes(shown)) == 1 else 'départements'} de comparaison)")
        if comparison
        else TITLE.format(names=place["territory_name"])
        if shown.height
        else NO_DATA_TITLE.format(of=place["name_of_fr"])
    )
    report = Report(
        slug=SLUG,
        title=title,
        intro=_intro(shown, annexes, docs, place, [queries.territory(con, c) for c in _codes(shown)] if comparison else []),
        charts=charts,
        refreshed_at=queries.refresh_info(con).get("published_at"),
        headline=[(_title(frame, comparison), _headline_text(frame)) for frame in annexes],
        missing=missing,
    )
    return exports.attach(report, con)  # its CSV files, linked under their tables


def _codes(frame: pl.DataFrame) -> list[str]:
    return list(dict.fromkeys(frame["department_code"].to_list()))


def _department_names(frame: pl.DataFrame) -> str:
    """'Nord', 'Nord et Somme': the départements of the annexes shown, in annex order."""
    names = list(dict.fromkeys(frame["department_name"].to_list()))
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " et " + names[-1] if names else ""


def _intro(shown: pl.DataFrame, annexes: list[pl.DataFrame], docs: dict[str, Document], place: dict,
           compared: list[dict]) -> str:  # fmt: skip
    """compared: the départements de comparaison whose annexes are shown (none: the home one's)."""
    if not annexes:
        return (
            f"Cette page montre, annexe par annexe et SAD par SAD, comment les compensations et dotations que le "
            f"Département {place['name_of_fr']} verse aux services autonomie à domicile (SAD) se répartissent entre "
            "l'accompagnement des personnes âgées (PA) et celui des personnes en situation de handicap (PH), quand une "
            "délibération chargée imprime ces annexes."
        )
    sentences = []
    if compared:
        of = " et ".join(c["name_of_fr"] for c in compared)
        which = "département de comparaison" if len(compared) == 1 else "départements de comparaison"
        sentences.append(
            f"Faute d'annexe {place['name_of_fr']} dans les délibérations chargées, cette page montre celles {of} "
            f"({which}) : ces montants ne sont pas ceux {place['name_of_fr']}."
        )
    for document_id in dict.fromkeys(shown["document_id"].to_list()):
        doc = docs[document_id]
        titles = [f["annex_title_fr"][0] for f in annexes if f["document_id"][0] == document_id]
        what = f"« {doc.title} »" if doc.title else "le soutien aux services autonomie à domicile (SAD)"
        sentences.append(
            f"Le {doc.collectivity} a délibéré le {format_date(doc.date)} – {doc.body.lower()}, délibération n°{doc.number} – "
            f"sur {what} : {_count_annexes(len(titles))} y {'répartit' if len(titles) == 1 else 'répartissent'} chaque "
            f"montant par SAD entre l'accompagnement des personnes âgées (PA) et celui des personnes en situation de "
            f"handicap (PH) : {' ; '.join(titles)}."
        )
    sentences.append("Les totaux sont ceux imprimés en bas de chaque annexe ; montants en euros, au centime.")
    return " ".join(sentences)


def _count_annexes(count: int) -> str:
    return "une annexe" if count == 1 else f"{format_count(count)} annexes"


def _title(frame: pl.DataFrame, comparison: bool) -> str:
    """The annex's title as the catalogue gives it, with its département when it is a comparison."""
    row = frame.row(0, named=True)
    return f"{row['annex_title_fr']} ({row['department_name']})" if comparison else row["annex_title_fr"]


def _total_row(frame: pl.DataFrame) -> dict | None:
    totals = frame.filter(pl.col("is_total"))
    if totals.height > 1:
        raise ValueError(f"annex {frame['table_id'][0]}: {totals.height} printed TOTAL rows, expected one")
    return totals.row(0, named=True) if totals.height else None


def _split_text(row: dict) -> str:
    """The split as the rpt model states it (parts printed empty are 0; PH share computed in dbt)."""
    return (f"{format_eur(row['split_total_eur'])} dont PA {format_eur(row['split_pa_eur'])}, PH {format_eur(row['split_ph_eur'])} "
            f"(part PH {format_pct(row['ph_share_pct'])})")  # fmt: skip


def _headline_text(frame: pl.DataFrame) -> str:
    total = _total_row(frame)
    return _split_text(total) if total else "aucune ligne TOTAL imprimée"


def _totals(annexes: list[pl.DataFrame], docs: dict[str, Document], comparison: bool) -> Chart | None:
    """The printed TOTAL of each annex, stacked PA + PH; None when no annex prints one."""
    printed = [(frame, total) for frame in annexes if (total := _total_row(frame)) is not None]
    if not printed:
        return None
    titles = [_title(frame, comparison) for frame, _ in printed]
    totals = [total for _, total in printed]
    series = [
        Series(name, [t[column] for t in totals], [format_eur(t[column]) for t in totals], colour)
        for (name, colour), column in ((PA, "elderly_pa_eur"), (PH, "disabled_ph_eur"))
    ]
    labels = [wrap_title(t, LABEL_CHARS) for t in titles]
    figure = grouped_bars(labels, series, "Montant (€)", "Annexe", EURO, stacked=True, height=max(380, 130 + 60 * len(labels)))
    # the annex titles take half the width: amounts in millions of euros need few graduations
    figure.update_xaxes(nticks=5)
    total_rows = pl.concat([frame.filter(pl.col("is_total")) for frame, _ in printed])
    return Chart(
        TOTALS_CHART,
        "Totaux imprimés par annexe, répartis entre PA et PH",
        figure,
        source_of(total_rows, docs, what=f"lignes TOTAL des annexes ({format_count(len(printed))})"),
        table=(["Annexe", "Total et répartition"], [[t, _split_text(r)] for t, r in zip(titles, totals, strict=True)]),
    )


def _per_sad(frame: pl.DataFrame, docs: dict[str, Document], comparison: bool) -> Chart:
    title = _title(frame, comparison)
    rows = frame.filter(~pl.col("is_total")).sort("amount_rank")
    labels = rows["sad_label"].to_list()  # the label every report prints (dbt, int_sad__labels)
    series = [
        Series(name, rows[column].to_list(), [format_eur(v) for v in rows[column].to_list()], colour)
        for (name, colour), column in ((PA, "elderly_pa_eur"), (PH, "disabled_ph_eur"))
    ]
    figure = grouped_bars(labels, series, "Montant (€)", "Service autonomie à domicile (commune)", EURO, stacked=True)
    table_rows = [
        [label, format_eur(total), format_eur(pa), format_eur(ph)]
        for label, (total, pa, ph) in zip(
            labels, rows.select("amount_eur", "elderly_pa_eur", "disabled_ph_eur").iter_rows(), strict=True
        )
    ]
    total = _total_row(frame)
    if total is not None:
        table_rows.append(["TOTAL imprimé", *(format_eur(total[c]) for c in ("amount_eur", "elderly_pa_eur", "disabled_ph_eur"))])
    return Chart(
        frame["table_id"][0],  # the catalogue table: one chart per annex
        f"{title} : montant par SAD, réparti entre PA et PH ({format_count(rows.height)} SAD)",
        figure,
        source_of(frame, docs, what=title),
        table=(["SAD (commune)", "Montant", "dont PA", "dont PH"], table_rows),
    )
