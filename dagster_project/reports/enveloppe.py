"""enveloppe.html: the envelope the département passes on to its SAD, per SAD; its change
against the previous year's published amounts; and the what-if envelopes when configured.

Amounts in euros per service, not counts of people: nothing to mask."""

from __future__ import annotations

import html

import duckdb
import polars as pl

from ..core.frenchfmt import UNIT_SPACE, format_count, format_eur, format_month, format_number, format_pct
from . import absence, exports, queries
from .charts import OKABE_ITO, Bar, Series, bar_chart, bars_with_reference_marks, diverging_bars, room_for_labels
from .framework import Chart, Document, FileSource, Report, Source, html_note, html_section, html_table
from .sources import source_of

SLUG = "enveloppe"
# {of}: the département the reports are about, named from marts.rpt_reports__territories
TITLE = "Enveloppe reversée aux services autonomie à domicile (SAD) {of}"
EURO = f"{UNIT_SPACE}€"
INCREASE, DECREASE = OKABE_ITO["blue"], OKABE_ITO["orange"]


def build(con: duckdb.DuckDBPyConnection, threshold: int) -> Report:
    del threshold  # euros per service, not counts of people: no statistical secrecy applies
    docs = queries.documents(con)
    place = queries.territory(con)
    envelopes = queries.envelopes(con, place["territory_code"])
    current = _current(envelopes)
    whatifs = [envelopes[e] for e in queries.whatif_envelope_ids(con, place["territory_code"])]
    simulated = {w["envelope_id"]: queries.envelope_allocation(con, w["envelope_id"]) for w in whatifs}
    charts, missing, change, history = [], [], None, ""
    if current is None:
        missing.append(absence.no_deliberation(docs, f"d'enveloppe de compensation répartie entre les SAD {place['name_of_fr']}"))
    else:
        previous = envelopes.get(current["previous_envelope_id"]) if current["previous_envelope_id"] else None
        charts.append(_allocation_chart(current, queries.envelope_allocation(con, current["envelope_id"]), docs))
        if previous is not None:
            change = queries.envelope_change(con, current["envelope_id"])
            charts.append(_change_chart(current, previous, change, docs))
        history = _history(queries.envelope_history(con, place["territory_code"]), docs)
    for w in whatifs:
        if simulated[w["envelope_id"]].height:
            charts.append(_whatif_chart(con, w, simulated[w["envelope_id"]], current, docs))
        else:
            missing.append(
                f"La simulation {w['year']} ({format_eur(w['envelope_eur'])}) n'a aucune heure à répartir : aucune heure "
                f"d'APA par SAD n'est chargée pour les SAD {place['name_of_fr']}."
            )
    report = Report(
        slug=SLUG,
        title=TITLE.format(of=place["name_of_fr"]),
        intro=_intro(current, place),
        charts=charts,
        refreshed_at=queries.refresh_info(con).get("published_at"),
        headline=_headline(current, docs, change, whatifs),
        closing_html=history + ("" if whatifs or current is None else _no_whatif(current)),
        missing=missing,
    )
    return exports.attach(report, con)  # its CSV files, linked under their tables


def _intro(current: dict | None, place: dict) -> str:
    if current is None:
        return (
            f"Cette page montre comment le Département {place['name_of_fr']} répartit entre ses services autonomie à "
            "domicile (SAD) l'enveloppe de compensation qu'il leur reverse, telle que l'imprime l'annexe de répartition "
            "d'une délibération, et son évolution d'une année à l'autre. Montants en euros, au centime ; ce sont des "
            "montants par service, non des effectifs de personnes : rien n'est masqué."
        )
    return (
        f"Le Département {place['name_of_fr']} reverse aux SAD une compensation de {format_eur(current['envelope_eur'])} au "
        f"titre de {current['year']}, répartie au prorata des heures d'APA facturées en {current['basis_year']}. "
        "Cette page montre la répartition par SAD, son évolution par rapport aux montants publiés l'année "
        "précédente et, quand elle est configurée, une simulation pour un autre montant. Montants en euros, au "
        "centime ; ce sont des montants par service, non des effectifs de personnes : rien n'est masqué."
    )


def _current(envelopes: dict[str, dict]) -> dict | None:
    """The latest published envelope of the département (flagged by marts.rpt_enveloppe__envelopes),
    or None when no loaded deliberation gives one."""
    latest = [e for e in envelopes.values() if e["is_latest_published"]]
    return latest[0] if latest else None


def _cents(count: int) -> str:
    if not count:
        return "aucun centime à placer"
    return f"{format_count(count)} centime{'s' if count > 1 else ''} placé{'s' if count > 1 else ''} ainsi"


def _amount_source(envelope: dict, docs: dict[str, Document]) -> list[Source]:
    """The line printing the envelope's amount (the decision's article), when a document prints it."""
    if not envelope["amount_document_id"]:
        return []
    return [
        Source(
            docs[envelope["amount_document_id"]],
            (envelope["amount_source_line"],),
            what=f"montant de l'enveloppe {envelope['year']}",
        )
    ]


def _annex_sources(frame: pl.DataFrame, envelope: dict, docs: dict[str, Document], what: str) -> list[Source]:
    """The SAD rows (and the printed TOTAL row) the amounts are read from."""
    rows = frame.select("document_id", "source_line").drop_nulls()
    if envelope["published_total_source_line"] is not None and rows.height:
        total = pl.DataFrame({"document_id": [rows["document_id"][0]], "source_line": [envelope["published_total_source_line"]]})
        rows = pl.concat([rows, total.cast(rows.schema)])
    return source_of(rows, docs, what=what) if rows.height else []


def _allocation_chart(current: dict, allocation: pl.DataFrame, docs: dict[str, Document]) -> Chart:
    rows = list(allocation.iter_rows(named=True))
    bars = [Bar(r["sad_label"], r["amount_eur"], f"{format_eur(r['amount_eur'])} · {format_pct(r['share_pct'], 2)}", True)
            for r in rows]  # fmt: skip
    figure = bar_chart(bars, f"Montant {current['year']} (€)", "Service autonomie à domicile (commune)", EURO,
                       horizontal=True, height=110 + 24 * len(bars), text_outside=True)  # fmt: skip
    room_for_labels(figure, [r["amount_eur"] for r in rows], share=0.5)  # "235 835,95 € · 26,57 %" fits
    matching, count = current["rows_matching_published"], current["sad_count"]
    notes = [
        f"Chaque montant est l'enveloppe × heures du SAD / heures de tous les SAD ({current['basis_year']}), arrondi au "
        f"centime ; les centimes manquants vont aux plus forts restes ({_cents(current['cents_adjusted'])}). Nos montants recalculés sont identiques au centime aux montants publiés pour {matching} SAD sur {count}."
    ]
    table = [[r["sad_label"], format_number(r["hours_basis"], 0), format_pct(r["share_pct"], 2),
              format_eur(r["amount_eur"]), format_eur(r["amount_computed_eur"])] for r in rows]  # fmt: skip
    table.append(["Total", format_number(current["hours_total"], 0), format_pct(100, 2), format_eur(current["allocated_published_eur"]),
                  format_eur(current["allocated_computed_eur"])])  # fmt: skip
    return Chart(
        f"repartition_{current['year']}",
        f"Enveloppe {current['year']} de {format_eur(current['envelope_eur'])} : montant par SAD",
        figure,
        _amount_source(current, docs) + _annex_sources(allocation, current, docs, f"montants {current['year']} par SAD"),
        notes=notes,
        table=(["SAD (commune)", f"Heures {current['basis_year']}", "Part", "Montant publié", "Montant recalculé"], table),
    )


def _change_chart(current: dict, previous: dict, change: pl.DataFrame, docs: dict[str, Document]) -> Chart:
    rows = list(change.iter_rows(named=True))
    labels = [r["sad_label"] for r in rows]
    values = [r["change_eur"] for r in rows]
    texts = [f"{format_eur(r['change_eur'], sign=True)} ({format_number(r['change_share_points'], 2, sign=True)}{UNIT_SPACE}pt)"
             if r["change_eur"] is not None else "non comparable" for r in rows]  # fmt: skip
    bar_texts = [format_eur(v, sign=True) if v is not None else "non comparable" for v in values]  # points: in the table
    figure = diverging_bars(labels, values, bar_texts, f"Écart {current['year']} − {previous['year']} (€)",
                            "Service autonomie à domicile (commune)", EURO,
                            colour=lambda v: INCREASE if v is not None and v > 0 else DECREASE)  # fmt: skip
    room_for_labels(figure, values, share=0.45)
    gap = previous["published_total_gap_eur"]
    notes = [
        f"La répartition {previous['year']} reposait sur l'activité {previous['basis_year']}, qu'aucun document ne publie : "
        f"on compare les montants et les parts de l'enveloppe, jamais des heures {current['basis_year']} à des montants "
        f"{previous['year']}. La part {previous['year']} est celle qu'impliquent les montants publiés (montant / "
        f"{format_eur(previous['envelope_eur'])}) ; l'écart de part est en points (pt)."
    ]
    if gap:
        notes.append(
            f"Les {format_count(previous['sad_count'])} montants {previous['year']} imprimés totalisent "
            f"{format_eur(previous['allocated_published_eur'])}, soit {format_eur(gap)} de moins que la ligne TOTAL "
            f"imprimée ({format_eur(previous['published_total_eur'])}, ligne {previous['published_total_source_line']}) : "
            f"la somme des écarts vaut donc {format_eur(rows[0]['change_total_eur'], sign=True)}."
        )
    table = [[label, format_eur(r["previous_eur"]), format_pct(r["previous_share_pct"], 2), format_eur(r["current_eur"]),
              format_pct(r["current_share_pct"], 2), text] for label, r, text in zip(labels, rows, texts, strict=True)]  # fmt: skip
    return Chart(
        f"evolution_{previous['year']}_{current['year']}",
        f"Évolution par SAD entre les montants publiés {previous['year']} et {current['year']} (en bleu, les hausses)",
        figure,
        _annex_sources(change, previous, docs, f"montants {previous['year']} et {current['year']} par SAD"),
        notes=notes,
        table=(
            [
                "SAD (commune)",
                f"Montant {previous['year']}",
                f"Part {previous['year']}",
                f"Montant {current['year']}",
                f"Part {current['year']}",
                "Écart",
            ],
            table,
        ),  # fmt: skip
    )


def _whatif_sources(con: duckdb.DuckDBPyConnection, simulated: pl.DataFrame, whatif: dict, docs: dict[str, Document]) -> list:
    """Where a what-if's hours are read: the FAP exports they are summed from (hours_source
    'fap_exports'), else the annex lines that print them."""
    what = f"heures d'APA {whatif['basis_year']} par SAD"
    if whatif["hours_source"] != "fap_exports":
        return _annex_sources(simulated, whatif, docs, what)
    files = queries.fap_files_of_year(con, whatif["basis_year"])
    if files.is_empty():
        return []
    months = files["month"].to_list()
    synthetic = " ; données synthétiques" if files["synthetic"].any() else ""
    return [
        FileSource(
            what=f"{what}, sommées des exports mensuels de facturation FAP",
            files=tuple(files["file_name"].to_list()),
            detail=f"{format_month(months[0])} à {format_month(months[-1])}{synthetic} ; empreintes sha256 dans marts.fap_files",
        )
    ]


def _whatif_chart(
    con: duckdb.DuckDBPyConnection, whatif: dict, simulated: pl.DataFrame, current: dict | None, docs: dict[str, Document]
) -> Chart:
    """The simulated split beside the latest published one (reference_amount_eur: the same SAD,
    matched on sad_key in marts.rpt_enveloppe__allocations), alone when none is published."""
    rows = list(simulated.iter_rows(named=True))
    labels = [r["sad_label"] for r in rows]
    amounts = [r["amount_eur"] for r in rows]
    before = [r["reference_amount_eur"] for r in rows]
    if current is None:
        figure = bar_chart([Bar(label, v, format_eur(v), True) for label, v in zip(labels, amounts, strict=True)],
                           "Montant (€)", "Service autonomie à domicile (commune)", EURO, horizontal=True,
                           height=110 + 24 * len(labels), text_outside=True)  # fmt: skip
        room_for_labels(figure, amounts, share=0.3)
    else:
        figure = bars_with_reference_marks(
            labels,
            Series(f"Simulation {whatif['year']}", amounts, [format_eur(v) for v in amounts], OKABE_ITO["bluish_green"]),
            Series(f"Montant {current['year']} publié (trait noir)", before, [format_eur(v) for v in before], OKABE_ITO["black"]),
            "Montant (€)",
            "Service autonomie à domicile (commune)",
            EURO,
        )
    notes = [
        f"Simulation : enveloppe {whatif['year']} de {format_eur(whatif['envelope_eur'])}, montant fixé par la variable dbt "
        f"envelope_{whatif['year']}_eur (AUTONOMY_DBT_VARS), répartie par le même moteur sur les heures "
        f"{whatif['basis_year']}. Aucune délibération n'a voté ce montant. Les montants totalisent "
        f"{format_eur(whatif['allocated_computed_eur'])} ({_cents(whatif['cents_adjusted'])})."
    ]
    table = [[label, format_number(r["hours_basis"], 0), format_pct(r["share_pct"], 2), format_eur(r["amount_eur"]),
              format_eur(r["reference_amount_eur"]),
              format_eur(r["change_vs_reference_eur"], sign=True) if r["change_vs_reference_eur"] is not None else "–"]
             for label, r in zip(labels, rows, strict=True)]  # fmt: skip
    headers = ["SAD (commune)", f"Heures {whatif['basis_year']}", "Part", f"Simulation {whatif['year']}"]
    if current is None:  # nothing published to compare with
        table = [row[:4] for row in table]
    else:
        headers += [f"Publié {current['year']}", "Écart"]
    return Chart(
        f"simulation_{whatif['year']}",
        f"Simulation : enveloppe {whatif['year']} de {format_eur(whatif['envelope_eur'])} répartie sur les heures {whatif['basis_year']}",
        figure,
        _whatif_sources(con, simulated, whatif, docs),
        notes=notes,
        table=(headers, table),
    )


def _history(history: pl.DataFrame, docs: dict[str, Document]) -> str:
    """Every loaded year per SAD (marts.sad_envelope_history), when two or more are loaded: one
    column per year, then the change from each year to the next; '–' where a SAD has no amount."""
    years = sorted(set(history["envelope_year"].to_list()))
    if len(years) < 2:
        return ""
    by_sad: dict[str, dict[int, dict]] = {}
    for row in history.iter_rows(named=True):
        by_sad.setdefault(row["sad_label"], {})[row["envelope_year"]] = row
    pairs = list(zip(years, years[1:], strict=False))
    headers = ["SAD (commune)", *(f"Montant {y}" for y in years), *(f"Écart {b} − {a}" for a, b in pairs)]
    rows = []
    for label, by_year in sorted(
        by_sad.items(), key=lambda item: (-(item[1].get(years[-1], {}).get("amount_eur") or 0), item[0])
    ):
        amounts = [format_eur(by_year[y]["amount_eur"]) if y in by_year else "–" for y in years]
        changes = []
        for a, b in pairs:
            row = by_year.get(b)
            if row is None or row["previous_envelope_year"] != a or row["amount_change_eur"] is None:
                changes.append("–")
            else:
                pct = f" ({format_pct(row['amount_change_pct'], 1, sign=True)})" if row["amount_change_pct"] is not None else ""
                changes.append(f"{format_eur(row['amount_change_eur'], sign=True)}{pct}")
        rows.append([label, *amounts, *changes])
    kinds = {r["envelope_year"]: r["envelope_kind"] for r in history.iter_rows(named=True)}
    printed_only = [str(y) for y in years if kinds.get(y) == "published_only"]
    notes = [
        f"Montants publiés de chaque année chargée ({', '.join(map(str, years))}), SAD par SAD (même SAD d'une année à "
        "l'autre : clé stable sad_key), du plus gros montant de la dernière année au plus petit ; l'écart est celui du "
        "montant d'une année à la suivante, en euros et en pourcentage."
    ]
    if printed_only:
        notes.append(
            f"Pour {', '.join(printed_only)}, seuls les montants imprimés à côté de l'année suivante sont chargés : les "
            "heures sur lesquelles ils ont été répartis ne le sont pas."
        )
    sources = source_of(history.select("document_id", "source_line").drop_nulls(), docs, what="montants par SAD et par année")
    body = "".join(html_note(n) for n in notes) + html_table(headers, rows)
    body += "".join(f'<p class="source">{html.escape(s.footnote())}</p>' for s in sources)
    return html_section("historique", f"Montants par SAD, année après année ({years[0]} à {years[-1]})", body)


def _no_whatif(current: dict) -> str:
    year = current["year"] + 1
    return html_section(
        "simulation",
        "Simulation",
        html_note(
            "Aucune simulation n'est configurée. Pour en afficher une ici, lancer le rafraîchissement avec la variable "
            f"dbt du montant : AUTONOMY_DBT_VARS='{{\"envelope_{year}_eur\": 912000}}' make run. Pour obtenir seulement "
            f"l'annexe d'une simulation au format de la délibération (CSV), sans toucher à l'entrepôt publié : "
            "make whatif AMOUNT=912000."
        ),
    )


def _headline(
    current: dict | None, docs: dict[str, Document], change: pl.DataFrame | None, whatifs: list[dict]
) -> list[tuple[str, str]]:
    simulation = (
        "Simulation",
        "; ".join(f"{w['year']} : {format_eur(w['envelope_eur'])}" for w in whatifs) or "aucune configurée",
    )
    if current is None:
        return [simulation] if whatifs else []
    where = ""
    if current["amount_document_id"]:
        where = f" (délibération n°{docs[current['amount_document_id']].number}, ligne {current['amount_source_line']})"
    lines = [
        (f"Enveloppe {current['year']}", f"{format_eur(current['envelope_eur'])}{where}"),
        ("Répartition", f"{format_count(current['sad_count'])} SAD au prorata des heures {current['basis_year']} ; montants "
         f"recalculés identiques au centime pour {current['rows_matching_published']} SAD sur {current['sad_count']}"),
    ]  # fmt: skip
    if change is not None and change.height:
        compared = change.drop_nulls("change_eur")  # in change_rank order: largest increase first
        for label, row in (
            ("Plus forte hausse", compared.row(0, named=True)),
            ("Plus forte baisse", compared.row(-1, named=True)),
        ):
            lines.append((label, f"{row['sad_label']} : {format_eur(row['change_eur'], sign=True)}"))
    lines.append(simulation)
    return lines
