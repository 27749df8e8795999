"""activite_sad.html: how the APA home-care hours of the département spread between its SAD.

The annex charts show hours per service (not counts of people): nothing to mask. The concentration
figures (Gini, share of the 5 and 10 largest, HHI) are read from marts.sad_activity_summary, never
recomputed. Then the FAP monthly exports behind the annex (activite_sad_fap): hours per month and
beneficiaries per SAD, whose small counts are masked."""

from __future__ import annotations

import duckdb
import plotly.graph_objects as go
import polars as pl

from ..core.frenchfmt import UNIT_SPACE, format_count, format_date, format_number, format_pct, format_value
from . import absence, exports, queries
from .activite_sad_fap import fap_charts
from .charts import OKABE_ITO, REFERENCE, Bar, bar_chart, base_layout, room_for_labels, value_axis
from .framework import Chart, Document, Report, Source
from .sources import source_of

SLUG = "activite_sad"
# {of}: the département the reports are about, named from marts.rpt_reports__territories
TITLE = "Activité des services autonomie à domicile (SAD) {of}"
PERCENT = f"{UNIT_SPACE}%"
HOURS = f"{UNIT_SPACE}h"
TOP = 5  # the "share of the 5 largest" of the summary mart
# Precision of the shares (one rule each, issue 14): one service's share 2 decimals (the smallest
# are 0,26 %), cumulative shares 1 decimal, as the headline and the Pareto chart print them.


def build(con: duckdb.DuckDBPyConnection, threshold: int) -> Report:
    docs = queries.documents(con)
    place = queries.territory(con)
    activity = queries.sad_activity(con, place["territory_code"])
    charts, headline, missing = [], [], []
    if activity.height:
        year = activity["year"][0]
        summary = queries.sad_activity_summary(con, place["territory_code"], queries.HOURS_SOURCE, year)
        sources = _sources(activity, summary, docs, place)
        charts = [_hours(activity, sources, _federation_note(activity, docs)), _lorenz(activity, summary, sources),
                  _pareto(activity, summary, sources)]  # fmt: skip
        headline = _headline(activity, summary)
    else:
        missing.append(absence.no_deliberation(docs, f"d'heures d'APA facturées par SAD {place['name_of_fr']}"))
    fap = fap_charts(con, threshold, place, with_annex=bool(activity.height))
    if not fap:
        missing.append(absence.no_fap(place))
    report = Report(
        slug=SLUG,
        title=TITLE.format(of=place["name_of_fr"]),
        intro=_intro(activity, docs, place),
        charts=charts + fap,
        refreshed_at=queries.refresh_info(con).get("published_at"),
        headline=headline,
        missing=missing,
    )
    return exports.attach(report, con, threshold)  # its CSV files, linked under their tables


def _intro(activity: pl.DataFrame, docs: dict[str, Document], place: dict) -> str:
    if activity.height:
        row = activity.row(0, named=True)
        annex = (
            f"telles que les imprime la délibération n°{docs[row['document_id']].number} du "
            f"{format_date(docs[row['document_id']].date)} (« {row['table_title']} »)"
        )
    else:
        annex = "telles que les imprime l'annexe de répartition d'une délibération"
    return (
        f"Heures d'APA à domicile facturées par chacun des services autonomie à domicile (SAD) {place['name_of_fr']}, "
        f"{annex}, puis la concentration de cette activité : courbe de Lorenz avec l'indice de Gini, et part cumulée "
        "des plus grands services. Ce sont des heures par service, non des effectifs de personnes : aucun de ces "
        "chiffres n'est masqué. Enfin, les exports mensuels de facturation FAP : heures par mois et par prestation, "
        "bénéficiaires par SAD (les effectifs inférieurs au seuil du secret statistique sont masqués)."
    )


def _label(row: dict) -> str:
    """'SAD (commune)', a federation named with its number of associations: the label every
    report prints (dbt, int_sad__labels)."""
    return row["sad_label"]


def _sources(activity: pl.DataFrame, summary: dict, docs: dict[str, Document], place: dict) -> list[Source]:
    """The SAD rows and the printed TOTAL, with the table's title and the year of the hours."""
    rows = pl.DataFrame({
        "document_id": [*activity["document_id"], summary["document_id"]],
        "source_line": [*activity["source_line"], summary["total_source_line"]],
        "source": f"Département {place['name_of_fr']}, heures facturées via FAP",
        "reference_period": str(summary["year"]),
    })  # fmt: skip
    return source_of(rows, docs, what=activity["table_title"][0])


def _federation_note(activity: pl.DataFrame, docs: dict[str, Document]) -> tuple[list[str], list[Source]]:
    notes, sources = [], []
    for row in activity.filter(pl.col("is_federation")).iter_rows(named=True):
        notes.append(
            f"{row['sad_name']} est une seule ligne de l'annexe (ligne {row['source_line']}) pour "
            f"{format_count(row['associations_count'])} associations (« {row['associations_quote']} », ligne "
            f"{row['associations_source_line']}) : le Département lui verse un montant unique, qu'elle reverse à ses "
            "associations. Compter ses associations une à une ferait paraître l'activité moins concentrée."
        )
        if row["associations_document_id"]:
            sources.append(Source(docs[row["associations_document_id"]], (row["associations_source_line"],),
                                  what="nombre d'associations de la fédération"))  # fmt: skip
    return notes, sources


def _hours(activity: pl.DataFrame, sources: list[Source], federation: tuple[list[str], list[Source]]) -> Chart:
    rows = list(activity.iter_rows(named=True))
    bars = [
        Bar(
            _label(r),
            r["hours_billed"],
            f"{format_value(r['hours_billed'], 'hours')} · {format_pct(r['share_pct'], 2)}",
            r["rank"] <= TOP,
        )
        for r in rows
    ]
    year = rows[0]["year"]
    figure = bar_chart(bars, f"Heures d'APA facturées en {year} (h)", "Service autonomie à domicile (commune)", HOURS,
                       horizontal=True, height=110 + 24 * len(bars), text_outside=True)  # fmt: skip
    room_for_labels(figure, [r["hours_billed"] for r in rows])
    figure.update_xaxes(nticks=6)  # "1 200 000 h" ticks a word apart, not touching
    notes, federation_sources = federation
    table = [[str(r["rank"]), _label(r), format_value(r["hours_billed"], "hours"), format_pct(r["share_pct"], 2),
              format_pct(r["cumulative_share_pct"], 1)] for r in rows]  # fmt: skip
    return Chart(
        "heures_par_sad",
        f"Heures d'APA facturées en {year} par SAD, du plus grand au plus petit (en bleu, les {TOP} plus grands)",
        figure,
        sources + federation_sources,
        notes=notes,
        table=(["Rang", "SAD (commune)", "Heures facturées", "Part des heures", "Part cumulée"], table),
    )


def _lorenz(activity: pl.DataFrame, summary: dict, sources: list[Source]) -> Chart:
    points = activity.sort("lorenz_services_pct")
    x = [0.0, *(float(v) for v in points["lorenz_services_pct"])]  # drawing only; texts carry exact figures
    y = [0.0, *(float(v) for v in points["lorenz_hours_pct"])]
    texts = [f"aucun service : {format_pct(0, 0)} des heures"] + [
        f"{_smallest(count, n)} : {format_pct(h, 1 if r > 1 else 0)} des heures"
        for r, count, n, h in points.select("rank", "services_up_to_this_count", "services_count", "lorenz_hours_pct").iter_rows()
    ]
    gini = format_number(summary["gini"], 3)
    figure = go.Figure(layout=base_layout(520))
    figure.add_scatter(x=[0, 100], y=[0, 100], mode="lines", name="Répartition parfaitement égale",
                       line={"color": REFERENCE, "dash": "dash", "width": 2}, hoverinfo="skip")  # fmt: skip
    figure.add_scatter(x=x, y=y, mode="lines+markers", name=f"Courbe de Lorenz (indice de Gini {gini})",
                       line={"color": OKABE_ITO["blue"], "width": 3}, marker={"size": 6}, fill="tonexty",
                       fillcolor="rgba(0,114,178,0.12)", text=texts, hovertemplate="%{text}<extra></extra>")  # fmt: skip
    apart = {"ticks": "outside", "ticklen": 10, "tickcolor": "rgba(0,0,0,0)"}  # the two "0 %" at the origin stay apart
    figure.update_layout(
        xaxis={**value_axis("Part cumulée des services, du plus petit au plus grand (%)", PERCENT), "range": [0, 100], **apart},
        yaxis={**value_axis("Part cumulée des heures facturées (%)", PERCENT), "range": [0, 100], **apart},
    )
    return Chart(
        "lorenz",
        f"Courbe de Lorenz des heures facturées par SAD : indice de Gini {gini}",
        figure,
        sources,
        notes=[
            f"Lecture : plus la courbe s'éloigne de la diagonale, plus l'activité est concentrée. L'indice de Gini "
            f"({gini}) mesure cet écart : 0 si tous les services avaient la même activité, 1 si un seul service avait "
            f"toutes les heures. Calculé sur les {format_count(summary['services_count'])} lignes de l'annexe."
        ],
        table=(
            ["Services (du plus petit au plus grand)", "Part cumulée des services", "Part cumulée des heures"],
            [[t, format_pct(a, 1), format_pct(b, 1)] for t, a, b in zip(texts, x, y, strict=True)],
        ),  # fmt: skip
    )


def _smallest(count: int, total: int) -> str:
    if count == total:
        return f"les {total} services"
    return "le plus petit service" if count == 1 else f"les {count} plus petits services"


def _pareto(activity: pl.DataFrame, summary: dict, sources: list[Source]) -> Chart:
    ranks = activity["rank"].to_list()
    labels = [_label(r) for r in activity.iter_rows(named=True)]
    shares, cumulative = activity["share_pct"].to_list(), activity["cumulative_share_pct"].to_list()
    figure = go.Figure(layout=base_layout(480))
    figure.add_bar(x=ranks, y=[float(v) for v in shares], name="Part du service", marker={"color": OKABE_ITO["sky_blue"]},
                   customdata=labels, text=[format_pct(v, 2) for v in shares], textposition="none",
                   hovertemplate="n°%{x} %{customdata}<br>Part des heures : %{text}<extra></extra>")  # fmt: skip
    figure.add_scatter(x=ranks, y=[float(v) for v in cumulative], name="Part cumulée", mode="lines+markers",
                       line={"color": OKABE_ITO["blue"], "width": 3}, text=[format_pct(v, 1) for v in cumulative],
                       hovertemplate="Les %{x} plus grands : %{text}<extra></extra>")  # fmt: skip
    marks = [(TOP, summary["top5_share_pct"]), (10, summary["top10_share_pct"])]
    for rank, share in marks:
        figure.add_annotation(x=rank, y=float(share), text=f"{rank} plus grands : {format_pct(share, 1)}", showarrow=True,
                              arrowhead=2, ax=40, ay=40, font={"color": REFERENCE}, bgcolor="#ffffff")  # fmt: skip
    figure.update_layout(
        xaxis={**value_axis("Rang du service, du plus grand au plus petit (rang)"), "dtick": 5, "zeroline": False},
        yaxis={**value_axis("Part des heures facturées (%)", PERCENT), "range": [0, 105]},
    )
    return Chart(
        "pareto",
        f"Part cumulée des heures : les {TOP} plus grands services font {format_pct(summary['top5_share_pct'], 1)} de l'activité",
        figure,
        sources,
        table=(["Services", "Part des heures"], [[f"les {rank} plus grands", format_pct(share, 1)] for rank, share in marks]),
    )


def _headline(activity: pl.DataFrame, summary: dict) -> list[tuple[str, str]]:
    largest = activity.row(0, named=True)
    return [
        (f"Heures d'APA facturées en {summary['year']}", f"{format_value(summary['total_hours_billed'], 'hours')} par "
         f"{format_count(summary['services_count'])} services ({format_count(summary['associations_count'])} associations)"),
        ("Plus grand service", f"{_label(largest)} : {format_pct(largest['share_pct'], 2)} des heures"),
        (f"Part des {TOP} plus grands services", format_pct(summary["top5_share_pct"], 1)),
        ("Part des 10 plus grands services", format_pct(summary["top10_share_pct"], 1)),
        ("Indice de Gini", f"{format_number(summary['gini'], 3)} (0 : activité également répartie ; 1 : un seul service)"),
        ("Indice de Herfindahl-Hirschman", f"{format_number(summary['hhi'], 0)} sur {format_count(10_000)}"),
    ]  # fmt: skip
