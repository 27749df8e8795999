"""compensations_nord.html: how the Nord's home-care money splits between older people (PA)
and people with disabilities (PH), per annex of its deliberation and per SAD."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import polars as pl

from ..core.frenchfmt import UNIT_SPACE, format_eur, format_pct
from . import queries
from .charts import OKABE_ITO, Series, grouped_bars
from .framework import Chart, Document, Report
from .sources import source_of

SLUG = "compensations_nord"
TITLE = "Nord : répartition personnes âgées / personnes handicapées des compensations et dotations aux SAD"
EURO = f"{UNIT_SPACE}€"
PA = ("Personnes âgées (PA)", OKABE_ITO["blue"])
PH = ("Personnes en situation de handicap (PH)", OKABE_ITO["orange"])


def build(con: duckdb.DuckDBPyConnection, threshold: int) -> Report:
    del threshold  # amounts in euros, per structure: no count of people to mask here
    docs = queries.documents(con)
    annexes = {key: queries.nord_annex(con, key) for key in queries.NORD_ANNEXES}
    charts = [_totals(annexes, docs)] + [_per_sad(key, frame, docs) for key, frame in annexes.items()]
    return Report(
        slug=SLUG,
        title=TITLE,
        intro=(
            "Le Département du Nord a délibéré le 9 octobre 2023 sur le soutien aux services autonomie à "
            "domicile (SAD) : compensations salariales 2022 (annexe 1), compléments de dotation qualité 2023 "
            "(annexe 4) et dotations qualité des nouveaux CPOM (annexe 5). Chaque montant y est réparti entre "
            "l'accompagnement des personnes âgées (PA) et celui des personnes en situation de handicap (PH). "
            "Les totaux sont ceux imprimés en bas de chaque annexe ; montants en euros, au centime."
        ),
        charts=charts,
        refreshed_at=queries.refresh_info(con).get("published_at"),
        headline=[(_title(key), _split_text(_total_row(frame))) for key, frame in annexes.items()],
    )


def _title(key: str) -> str:
    _, title, year = queries.NORD_ANNEXES[key]
    return f"{title} ({year})"


def _total_row(frame: pl.DataFrame) -> dict:
    totals = frame.filter(pl.col("is_total"))
    if totals.height != 1:
        raise ValueError(f"expected one printed TOTAL row, found {totals.height}")
    return totals.row(0, named=True)


def _split_text(row: dict) -> str:
    pa, ph = row["elderly_pa_eur"] or Decimal(0), row["disabled_ph_eur"] or Decimal(0)
    total = row["amount_eur"] if row["amount_eur"] is not None else pa + ph
    share = ph / total * 100 if total else None
    return f"{format_eur(total)} dont PA {format_eur(pa)}, PH {format_eur(ph)} (part PH {format_pct(share)})"


def _totals(annexes: dict[str, pl.DataFrame], docs: dict[str, Document]) -> Chart:
    keys = list(annexes)
    totals = [_total_row(annexes[k]) for k in keys]
    labels = [_title(k) for k in keys]
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


def _per_sad(key: str, frame: pl.DataFrame, docs: dict[str, Document]) -> Chart:
    rows = frame.filter(~pl.col("is_total")).sort("amount_eur", descending=True, nulls_last=True)
    labels = [f"{name} ({city})" if city else name for name, city in rows.select("sad_name", "city").iter_rows()]
    series = [
        Series(name, rows[column].to_list(), [format_eur(v) for v in rows[column].to_list()], colour)
        for (name, colour), column in ((PA, "elderly_pa_eur"), (PH, "disabled_ph_eur"))
    ]
    figure = grouped_bars(labels, series, "Montant (€)", "Service autonomie à domicile (commune)", EURO, stacked=True)
    table_rows = [
        [label, format_eur(total), format_eur(pa), format_eur(ph)]
        for label, (total, pa, ph) in zip(labels, rows.select("amount_eur", "elderly_pa_eur", "disabled_ph_eur").iter_rows(), strict=True)
    ]
    table_rows.append(["TOTAL imprimé", *(format_eur(_total_row(frame)[c]) for c in ("amount_eur", "elderly_pa_eur", "disabled_ph_eur"))])
    return Chart(
        f"{key}_par_sad",
        f"{_title(key)} : montant par SAD, réparti entre PA et PH ({rows.height} SAD)",
        figure,
        source_of(frame, docs, what=_title(key)),
        table=(["SAD (commune)", "Montant", "dont PA", "dont PH"], table_rows),
    )
