"""compensations_nord.html: how a neighbouring département's home-care money (the Nord
deliberation of document 004, configured as data: its rows carry their département) splits
between older people (PA) and people with disabilities (PH), per annex and per SAD.

Every figure and the PH share come from marts.rpt_compensations_nord__annex_rows."""

from __future__ import annotations

import duckdb
import polars as pl

from ..core.frenchfmt import UNIT_SPACE, format_date, format_eur, format_pct
from . import exports, queries
from .charts import OKABE_ITO, Series, grouped_bars
from .framework import Chart, Document, Report
from .sources import source_of

SLUG = "compensations_nord"
# {name}: the département of the deliberation, from the rows (marts.rpt_compensations_nord__annex_rows)
CATALOG_TITLE = "Compensations et dotations aux SAD du département de comparaison : répartition PA / PH"
TITLE = "{name} : répartition personnes âgées / personnes handicapées des compensations et dotations aux SAD"
EURO = f"{UNIT_SPACE}€"
PA = ("Personnes âgées (PA)", OKABE_ITO["blue"])
PH = ("Personnes en situation de handicap (PH)", OKABE_ITO["orange"])


def build(con: duckdb.DuckDBPyConnection, threshold: int) -> Report:
    del threshold  # amounts in euros, per structure: no count of people to mask here
    docs = queries.documents(con)
    annexes = {code: queries.nord_annex(con, code) for code in queries.NORD_ANNEXES}
    first = next(iter(annexes.values())).row(0, named=True)
    place = queries.territory(con, first["department_code"])
    charts = [_totals(annexes, docs)] + [_per_sad(code, frame, docs) for code, frame in annexes.items()]
    report = Report(
        slug=SLUG,
        title=TITLE.format(name=place["territory_name"]),
        intro=(
            f"Le Département {place['name_of_fr']} a délibéré le {format_date(docs[first['document_id']].date)} sur le soutien aux services autonomie à "
            "domicile (SAD) : compensations salariales 2022 (annexe 1), compléments de dotation qualité 2023 "
            "(annexe 4) et dotations qualité des nouveaux CPOM (annexe 5). Chaque montant y est réparti entre "
            "l'accompagnement des personnes âgées (PA) et celui des personnes en situation de handicap (PH). "
            "Les totaux sont ceux imprimés en bas de chaque annexe ; montants en euros, au centime."
        ),
        charts=charts,
        refreshed_at=queries.refresh_info(con).get("published_at"),
        headline=[(_title(code, frame), _split_text(_total_row(frame))) for code, frame in annexes.items()],
    )
    return exports.attach(report, con)  # its CSV files, linked under their tables


def _title(code: str, frame: pl.DataFrame) -> str:
    _, title = queries.NORD_ANNEXES[code]
    return f"{title} ({frame['year'][0]})"


def _total_row(frame: pl.DataFrame) -> dict:
    totals = frame.filter(pl.col("is_total"))
    if totals.height != 1:
        raise ValueError(f"expected one printed TOTAL row, found {totals.height}")
    return totals.row(0, named=True)


def _split_text(row: dict) -> str:
    """The split as the rpt model states it (parts printed empty are 0; PH share computed in dbt)."""
    return (f"{format_eur(row['split_total_eur'])} dont PA {format_eur(row['split_pa_eur'])}, PH {format_eur(row['split_ph_eur'])} "
            f"(part PH {format_pct(row['ph_share_pct'])})")  # fmt: skip


def _totals(annexes: dict[str, pl.DataFrame], docs: dict[str, Document]) -> Chart:
    keys = list(annexes)
    totals = [_total_row(annexes[k]) for k in keys]
    labels = [_title(k, annexes[k]) for k in keys]
    series = [
        Series(name, [t[column] for t in totals], [format_eur(t[column]) for t in totals], colour)
        for (name, colour), column in ((PA, "elderly_pa_eur"), (PH, "disabled_ph_eur"))
    ]
    figure = grouped_bars(labels, series, "Montant (€)", "Annexe", EURO, stacked=True, height=380)
    total_rows = pl.concat([annexes[k].filter(pl.col("is_total")) for k in keys])
    return Chart(
        "totaux_par_annexe",
        "Totaux imprimés par annexe, répartis entre PA et PH",
        figure,
        source_of(total_rows, docs, what="lignes TOTAL des annexes 1, 4 et 5"),
        table=(["Annexe", "Total et répartition"], [[label, _split_text(t)] for label, t in zip(labels, totals, strict=True)]),
    )


def _per_sad(code: str, frame: pl.DataFrame, docs: dict[str, Document]) -> Chart:
    key = queries.NORD_ANNEXES[code][0]
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
    table_rows.append(
        ["TOTAL imprimé", *(format_eur(_total_row(frame)[c]) for c in ("amount_eur", "elderly_pa_eur", "disabled_ph_eur"))]
    )
    return Chart(
        f"{key}_par_sad",
        f"{_title(code, frame)} : montant par SAD, réparti entre PA et PH ({rows.height} SAD)",
        figure,
        source_of(frame, docs, what=_title(code, frame)),
        table=(["SAD (commune)", "Montant", "dont PA", "dont PH"], table_rows),
    )
