"""What each report exports as CSV, and `attach`, which report modules call: the tables a report
reproduces, read from the marts with their provenance, small counts of people masked as the report
masks them, written in the two forms of export_format.py and linked under the table they export."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path

import duckdb

from ..core.frenchfmt import format_month
from .disclosure import disclose_counts, disclose_rows_with_total
from .export_format import PROVENANCE, Column, Masked, Table, annex_columns, footnote, links_html, whatif_links_html
from .framework import Report

# the `unit` codes of the marts, as the exports name them
UNIT_LABELS = {"pct": "%", "per_1000": "‰", "eur": "€", "eur_per_inhabitant": "€ par habitant",
               "eur_per_beneficiary": "€ par allocataire", "count": "nombre", "ratio": "rapport", "years": "ans",
               "hours": "heures"}  # fmt: skip


def _records(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r)) for r in cursor.fetchall()]


def _masked(values: Sequence, labels: Sequence[str], threshold: int | None) -> list:
    """Counts of people through the reports' own disclosure rule: a masked one becomes its text."""
    if threshold is None:
        return list(values)
    disclosed = disclose_counts(labels, values, threshold)
    return [Masked(t) if v is not None and d is None else v for v, d, t in zip(values, disclosed.values, disclosed.texts)]


def allocation_table(con: duckdb.DuckDBPyConnection, envelope: dict) -> Table:
    """The annex of the deliberation for one envelope: per SAD, hours, share and amounts
    (published and recomputed), in the annex's order (line of the SAD's hours)."""
    rows = _records(
        con,
        "SELECT city, sad_name, hours_basis, share_pct, amount_published_eur, amount_computed_eur, delta_eur, document_id, "
        "source_line FROM marts.rpt_enveloppe__allocations WHERE envelope_id = ? ORDER BY source_line, sad_name",
        [envelope["envelope_id"]],
    )
    year, basis = envelope["year"], envelope["basis_year"]
    columns = [
        *annex_columns(basis),
        Column(f"Répartition de l'enveloppe {year} publiée (en €)", "eur"),
        Column(f"Répartition de l'enveloppe {year} recalculée (en €)", "eur"),
        Column("Écart recalculé − publié (en €)", "eur"),
        *PROVENANCE,
    ]
    keys = ("city", "sad_name", "hours_basis", "share_pct", "amount_published_eur", "amount_computed_eur", "delta_eur",
            "document_id", "source_line")  # fmt: skip
    total = ["", "TOTAL", envelope["hours_total"], Decimal(100), envelope["allocated_published_eur"],
             envelope["allocated_computed_eur"], None, None, None]  # fmt: skip
    pairs = [(r["document_id"], r["source_line"]) for r in rows]
    if envelope.get("published_total_source_line") and pairs:
        pairs.append((pairs[0][0], envelope["published_total_source_line"]))
    return Table(
        "enveloppe",
        f"enveloppe_repartition_{year}",
        f"la répartition {year} par SAD (annexe de la délibération, montants publiés et recalculés)",
        columns,
        [[r[k] if k != "city" else r[k] or "" for k in keys] for r in rows],
        footnote(con, pairs, f"répartition de l'enveloppe {year} par SAD"),
        total=total,
        chart_id=f"repartition_{year}",
    )


def _enveloppe(con: duckdb.DuckDBPyConnection, threshold: int | None) -> list[Table]:
    from .queries import envelopes, report_department

    current = [e for e in envelopes(con, report_department()).values() if e["is_latest_published"]]
    return [allocation_table(con, e) for e in current]


def _compensations(con: duckdb.DuckDBPyConnection, threshold: int | None) -> list[Table]:
    """Every row of the annexes the page shows, split PA / PH (SAD rows and printed TOTAL rows), one
    file; none when no loaded deliberation gives such an annex."""
    from .queries import shown_compensation_annexes

    frame, _ = shown_compensation_annexes(con)
    if frame.is_empty():
        return []
    rows = list(frame.iter_rows(named=True))
    columns = [
        Column("Département"),
        Column("Annexe"),
        Column("Mesure"),
        Column("Année", "text"),
        Column("SAD"),
        Column("Commune"),
        Column("Ligne TOTAL imprimée", "bool"),
        Column("Montant (en €)", "eur"),
        Column("dont personnes âgées (PA, en €)", "eur"),
        Column("dont personnes en situation de handicap (PH, en €)", "eur"),
        *PROVENANCE,
    ]
    table_rows = [
        [r["department_name"], r["annex_title_fr"], r["measure_label_fr"], str(r["year"]), "TOTAL" if r["is_total"] else r["sad_name"],
         r["city"] or "", r["is_total"], r["amount_eur"], r["elderly_pa_eur"], r["disabled_ph_eur"], r["document_id"],
         r["source_line"]]
        for r in rows
    ]  # fmt: skip
    count = len({r["table_id"] for r in rows})
    return [
        Table(
            "compensations",
            "compensations_annexes",
            f"les lignes des {count} annexes (montants par SAD et totaux imprimés, répartis PA / PH)"
            if count > 1
            else "les lignes de l'annexe (montants par SAD et total imprimé, répartis PA / PH)",
            columns,
            table_rows,
            footnote(
                con, [(r["document_id"], r["source_line"]) for r in rows], "annexes de montants par SAD, répartition PA / PH"
            ),
            chart_id="totaux_par_annexe",
        )
    ]


def _indicateurs(con: duckdb.DuckDBPyConnection, threshold: int | None) -> list[Table]:
    """The rates the convention prints, recomputed by dbt (marts.indicator_rates): numerator,
    denominator, scale, ours and the printed value, with their documents and lines."""
    rows = _records(
        con,
        "SELECT rate_code, rate_label_fr, formula, territory_code, territory_name, numerator_label, numerator, "
        "denominator_label_fr, denominator_age_band, denominator, scale, unit, value_computed, value_published, delta, "
        "numerator_document_id, numerator_source_lines, denominator_document_id, denominator_source_lines "
        "FROM marts.indicator_rates ORDER BY rate_code, territory_code",
    )
    if not rows:  # no loaded deliberation prints a rate: no file (see attach)
        return []
    labels = [f"{r['rate_label_fr']} – {r['territory_name']}" for r in rows]
    people = [_people(r) for r in rows]
    masked = _masked(people, labels, threshold)
    columns = [
        Column("Code du taux", printed=False),
        Column("Taux"),
        Column("Code territoire", printed=False),
        Column("Territoire"),
        Column("Numérateur"),
        Column("Valeur du numérateur", "decimal"),
        Column("Dénominateur"),
        Column("Tranche d'âge du dénominateur"),
        Column("Valeur du dénominateur", "decimal"),
        Column("Échelle", "decimal"),
        Column("Unité"),
        Column("Taux recalculé", "decimal", 2),
        Column("Taux publié", "decimal"),
        Column("Écart recalculé − publié", "decimal", 2),
        Column("Document du numérateur", printed=False),
        Column("Lignes du numérateur", printed=False),
        Column("Document du dénominateur", printed=False),
        Column("Lignes du dénominateur", printed=False),
    ]
    table_rows = []
    for r, m in zip(rows, masked, strict=True):
        hidden = isinstance(m, Masked)
        table_rows.append([
            r["rate_code"], r["rate_label_fr"], r["territory_code"], r["territory_name"], r["numerator_label"],
            m if hidden else r["numerator"], r["denominator_label_fr"], r["denominator_age_band"],
            m if hidden else r["denominator"], r["scale"], UNIT_LABELS.get(r["unit"], r["unit"]), m if hidden else r["value_computed"],
            m if hidden else r["value_published"], m if hidden else r["delta"], r["numerator_document_id"],
            _lines(r["numerator_source_lines"]), r["denominator_document_id"], _lines(r["denominator_source_lines"]),
        ])  # fmt: skip
    pairs = [(r["numerator_document_id"], line) for r in rows for line in (r["numerator_source_lines"] or [])]
    pairs += [(r["denominator_document_id"], line) for r in rows for line in (r["denominator_source_lines"] or [])]
    return [
        Table(
            "indicateurs",
            "indicateurs_taux",
            "les taux recalculés avec leurs numérateurs et dénominateurs",
            columns,
            table_rows,
            footnote(con, pairs, "taux imprimés dans la convention, recalculés (numérateur / dénominateur × échelle)"),
            chart_id="mdph_taux",
        )
    ]


def _people(rate: dict):
    """The count of people behind a rate, masked when small: the numerator of a share (beneficiaries,
    rights), the denominator of euros per beneficiary, the smaller population of a difference.
    Growth rates and printed measures divide rates or are the printed figure: no count to mask."""
    if rate["formula"] == "ratio" and rate["unit"] in ("pct", "per_1000", "ratio"):
        return rate["numerator"]
    if rate["formula"] == "ratio" and rate["unit"] == "eur_per_beneficiary":
        return rate["denominator"]
    if rate["formula"] == "difference":
        return min((v for v in (rate["numerator"], rate["denominator"]) if v is not None), default=None)
    return None


def _lines(lines) -> str | None:
    return None if lines is None else " ".join(str(line) for line in lines)


def _activite_sad(con: duckdb.DuckDBPyConnection, threshold: int | None) -> list[Table]:
    from .queries import HOURS_SOURCE, report_department, sad_activity, sad_activity_summary

    department = report_department()
    tables = []
    hours = sad_activity(con, department)
    if hours.height:
        year = hours["year"][0]
        rows = list(hours.iter_rows(named=True))
        summary = sad_activity_summary(con, department, HOURS_SOURCE, year)  # the printed TOTAL row
        pairs = [(r["document_id"], r["source_line"]) for r in rows] + [(summary["document_id"], summary["total_source_line"])]
        tables.append(
            Table(
                "activite_sad",
                "activite_sad_heures",
                f"les heures d'APA facturées en {year} par SAD ({rows[0]['table_title']})",
                [
                    Column("Rang", "count"),
                    Column("SAD"),
                    Column("Commune"),
                    Column(f"Heures facturées en {year}", "hours", 2),
                    Column("Part des heures (en %)", "pct", 2, "%"),
                    Column("Part cumulée (en %)", "pct", 2, "%"),
                    *PROVENANCE,
                ],
                [
                    [
                        r["rank"],
                        r["sad_name"],
                        r["city"] or "",
                        r["hours_billed"],
                        r["share_pct"],
                        r["cumulative_share_pct"],
                        r["document_id"],
                        r["source_line"],
                    ]
                    for r in rows
                ],
                footnote(con, pairs, f"heures d'APA facturées en {year} par SAD"),
                total=[None, "TOTAL", "", summary["total_hours_published"], Decimal(100), None, None, None],
                chart_id="heures_par_sad",
            )  # fmt: skip
        )
    tables += _fap_months(con, department)
    tables += _fap_beneficiaries(con, department, threshold)
    return tables


def _fap_months(con: duckdb.DuckDBPyConnection, department: str) -> list[Table]:
    """Hours and euros billed through FAP per month and prestation (hours, not people: unmasked)."""
    from .queries import table_exists

    if not table_exists(con, "marts", "rpt_activite_sad__fap_months"):
        return []
    rows = _records(
        con,
        "SELECT m.month, m.apa_hours_billed, m.pch_hours_billed, m.asg_hours_billed, m.hours_billed, m.amount_eur, f.file_name "
        "FROM marts.rpt_activite_sad__fap_months m LEFT JOIN marts.rpt_activite_sad__fap_files f ON f.month = m.month "
        "WHERE m.department_code = ? AND m.is_latest_year ORDER BY m.month",
        [department],
    )
    if not rows:
        return []
    columns = [Column("Mois", "month"), Column("APA (heures)", "hours", 2), Column("PCH (heures)", "hours", 2),
               Column("aide sociale générale (ASG, heures)", "hours", 2), Column("Total des heures", "hours", 2),
               Column("Montant facturé (en €)", "eur"), Column("Fichier FAP", printed=False)]  # fmt: skip
    keys = ("month", "apa_hours_billed", "pch_hours_billed", "asg_hours_billed", "hours_billed", "amount_eur", "file_name")
    files = [r["file_name"] for r in rows if r["file_name"]]
    names = files[0] if len(files) == 1 else f"{files[0]} à {files[-1]}"
    return [
        Table(
            "activite_sad",
            "activite_sad_fap_mois",
            "les heures et montants facturés via FAP par mois et par prestation",
            columns,
            [[r[k] for k in keys] for r in rows],
            f"Source : exports mensuels de facturation FAP {names} ({len(files)} fichiers ; marts.rpt_activite_sad__fap_months).",
            chart_id="fap_heures_par_mois",
        )
    ]


def _fap_beneficiaries(con: duckdb.DuckDBPyConnection, department: str, threshold: int | None) -> list[Table]:
    """Beneficiaries billed per SAD in the latest FAP month, masked as the report masks them."""
    from .queries import table_exists

    if not table_exists(con, "marts", "rpt_activite_sad__fap_beneficiaries"):
        return []
    months = con.execute(
        "SELECT max(month) FROM marts.rpt_activite_sad__fap_months WHERE department_code = ? AND is_latest_year", [department]
    ).fetchall()
    month = months[0][0] if months else None
    if month is None:
        return []
    rows = _records(
        con,
        "SELECT b.sad_name, b.city, b.beneficiaries_all, b.beneficiaries_apa, b.beneficiaries_pch, b.beneficiaries_asg, "
        "f.file_name FROM marts.rpt_activite_sad__fap_beneficiaries b LEFT JOIN marts.rpt_activite_sad__fap_files f "
        "ON f.month = b.month WHERE b.month = ? AND b.department_code = ? ORDER BY b.display_rank",
        [month, department],
    )
    codes = {"beneficiaries_all": "toutes prestations", "beneficiaries_apa": "APA", "beneficiaries_pch": "PCH",
             "beneficiaries_asg": "ASG"}  # fmt: skip
    labels = [f"{r['sad_name']} ({r['city']})" for r in rows]
    counts = [[r[k] for k in codes] for r in rows]
    if threshold is None:
        cells = counts
    else:  # the report's rule, secondary suppression included (disclosure.disclose_rows_with_total)
        disclosed = disclose_rows_with_total(labels, list(codes.values()), counts, threshold)
        cells = [
            [Masked(t) if v is not None and d is None else v for v, d, t in zip(row, shown, texts, strict=True)]
            for row, shown, texts in zip(counts, disclosed.values, disclosed.texts, strict=True)
        ]
    columns = [Column("SAD"), Column("Commune"), Column("Mois", "month"), Column("Toutes prestations", "count"),
               Column("APA", "count"), Column("PCH", "count"), Column("aide sociale générale (ASG)", "count"),
               Column("Fichier FAP", printed=False)]  # fmt: skip
    table_rows = [[r["sad_name"], r["city"] or "", month, *cells[i], r["file_name"]] for i, r in enumerate(rows)]
    files = sorted({r["file_name"] for r in rows if r["file_name"]})
    return [
        Table(
            "activite_sad",
            "activite_sad_beneficiaires_fap",
            f"les bénéficiaires facturés par SAD en {format_month(month)} (petits effectifs masqués)",
            columns,
            table_rows,
            f"Source : export mensuel de facturation FAP {', '.join(files)} (marts.rpt_activite_sad__fap_beneficiaries).",
            chart_id="fap_beneficiaires_par_sad",
        )
    ]


def _etablissements(con: duckdb.DuckDBPyConnection, threshold: int | None) -> list[Table]:
    """The EHPAD of the reports' département as CNSA lists them (every price and tariff, by FINESS,
    each edition), the price distributions beside the région and France, and the MDPH processing
    times: establishments and months, no count of people to mask."""
    del threshold
    prices = _records(
        con,
        "SELECT p.* FROM marts.ehpad_prices p JOIN marts.rpt_reports__places f ON f.role = 'focus' "
        "AND f.territory_code = p.department_code ORDER BY p.finess, p.edition_year",
    )
    eur = [
        ("price_permanent_single_eur", "Hébergement permanent, chambre seule (€ par jour)"),
        ("price_permanent_double_eur", "Hébergement permanent, chambre double (€ par jour)"),
        ("price_permanent_single_social_aid_eur", "Hébergement permanent, chambre seule, aide sociale (€ par jour)"),
        ("price_permanent_double_social_aid_eur", "Hébergement permanent, chambre double, aide sociale (€ par jour)"),
        ("price_temporary_single_eur", "Hébergement temporaire, chambre seule (€ par jour)"),
        ("price_temporary_double_eur", "Hébergement temporaire, chambre double (€ par jour)"),
        ("price_temporary_single_social_aid_eur", "Hébergement temporaire, chambre seule, aide sociale (€ par jour)"),
        ("price_temporary_double_social_aid_eur", "Hébergement temporaire, chambre double, aide sociale (€ par jour)"),
        ("tariff_gir_1_2", "Tarif dépendance GIR 1-2 (€ par jour)"),
        ("tariff_gir_3_4", "Tarif dépendance GIR 3-4 (€ par jour)"),
        ("tariff_gir_5_6", "Tarif dépendance GIR 5-6 (€ par jour)"),
    ]
    files = sorted({r["source_file"] for r in prices})
    editions = sorted({r["edition_year"] for r in prices})
    cnsa = "CNSA, export des prix déclarés par les EHPAD (portail pour-les-personnes-agees.gouv.fr)"
    tables = [
        Table(
            "etablissements",
            "etablissements_prix",
            "les prix et tarifs dépendance déclarés par chaque EHPAD du département (numéro FINESS, chaque édition)",
            [Column("FINESS"), Column("Édition", "text"), Column("Département", printed=False),
             *(Column(label, "eur") for _, label in eur), Column("Mise à jour de la déclaration", printed=False),
             Column("Fichier", printed=False), Column("Ligne du fichier", "count", printed=False)],
            [[r["finess"], str(r["edition_year"]), r["department_code"], *(r[c] for c, _ in eur),
              r["updated_at"].isoformat(sep=" ") if r["updated_at"] else None, r["source_file"], r["source_line"]]
             for r in prices],
            f"Source : {cnsa}, édition(s) {', '.join(str(e) for e in editions) or 'aucune'} ; "
            f"{', '.join(files) or 'aucun établissement listé'} (une ligne par établissement, colonne Ligne du fichier "
            "de la forme données).",
            chart_id="evolution",
        )
    ]  # fmt: skip
    distribution = _records(
        con, "SELECT * FROM marts.rpt_etablissements__price_distribution ORDER BY edition_year, measure_code, display_order"
    )
    quantiles = [("min_eur", "Minimum"), ("first_decile_eur", "1er décile"), ("first_quartile_eur", "1er quartile"),
                 ("median_eur", "Médiane"), ("third_quartile_eur", "3e quartile"), ("ninth_decile_eur", "9e décile"),
                 ("max_eur", "Maximum")]  # fmt: skip
    tables.append(
        Table(
            "etablissements",
            "etablissements_distribution",
            "la distribution des prix et tarifs du département, de sa région et de la France (médiane, quartiles, déciles)",
            [Column("Code du territoire", printed=False), Column("Territoire"), Column("Édition", "text"), Column("Mesure"),
             Column("EHPAD listés", "count"), Column("EHPAD ayant déclaré ce prix", "count"),
             *(Column(f"{label} (€ par jour)", "eur") for _, label in quantiles),
             Column("Rang de la médiane en France", "count"), Column("Départements classés", "count"),
             Column("Fichier", printed=False)],
            [[r["territory_code"], r["territory_name"], str(r["edition_year"]), r["measure_label"], r["establishments_listed"],
              r["establishments_with_value"], *(r[c] for c, _ in quantiles), r["rank_france"],
              r["departments_ranked_france"], r["source_file"]] for r in distribution],
            f"Source : {cnsa} ; {', '.join(sorted({r['source_file'] for r in distribution}))} (toutes les lignes des "
            "territoires ; médiane et déciles calculés par marts.ehpad_price_summary).",
            chart_id="distribution",
        )
    )  # fmt: skip
    mdph = _records(
        con, "SELECT * FROM marts.rpt_etablissements__mdph_series ORDER BY indicator_code, display_order, measured_on"
    )
    tables.append(
        Table(
            "etablissements",
            "etablissements_mdph",
            "les délais moyens de traitement à la MDPH du département et de la France, avec la cible de 2026",
            [Column("Code du territoire", printed=False), Column("Territoire"), Column("Indicateur"),
             Column("Indicateur du baromètre", printed=False), Column("Date de la mesure", "date"),
             Column("Délai moyen de traitement (mois)", "decimal", 2, " mois"), Column("Rang en France", "count"),
             Column("Départements classés", "count"), Column("Cible (mois)", "decimal", 2, " mois"),
             Column("Date de la cible", "date"), Column("Écart à la cible (mois)", "decimal", 2, " mois"),
             Column("Fichier", printed=False), Column("Ligne du fichier", "count", printed=False),
             Column("Ligne de la cible", "count", printed=False)],
            [[r["territory_code"], r["territory_name"], r["indicator_label"], r["indicator_id"], r["measured_on"], r["months"],
              r["rank_france"], r["departments_ranked_france"], r["target_months"], r["target_date"],
              r["gap_to_target_months"], r["source_file"], r["source_line"], r["target_source_line"]] for r in mdph],
            "Source : Baromètre des résultats de l'action publique (DITP), indicateurs IND-296 et IND-297, chiffres du "
            f"baromètre des MDPH de la CNSA ; {', '.join(sorted({r['source_file'] for r in mdph}))} (ligne de chaque "
            "mesure et de la cible dans la forme données).",
            chart_id="mdph_delais",
        )
    )  # fmt: skip
    return tables


BUILDERS: dict[str, Callable[[duckdb.DuckDBPyConnection, int | None], list[Table]]] = {
    "enveloppe": _enveloppe,
    "indicateurs": _indicateurs,
    "activite_sad": _activite_sad,
    "compensations": _compensations,
    "etablissements": _etablissements,
}


def attach(report: Report, con: duckdb.DuckDBPyConnection, threshold: int | None = None) -> Report:
    """Adds the report's exports to its files (written beside the page) and links each under the
    table it exports (or at the end of the page when no chart shows it).

    A table with no row for the département (no deliberation gives it, no FAP export is loaded)
    has NO file: the builders return no Table for it, the page says what is missing
    (Report.missing), and writing the report removes the file an earlier night left
    (framework.write_report), so index.html never lists it."""
    builder = BUILDERS.get(report.slug)
    tables = builder(con, threshold) if builder else []
    charts = {c.chart_id: c for c in report.charts}
    for table in tables:
        report.files.update(table.files)
        chart = charts.get(table.chart_id)
        if chart is not None:
            chart.downloads += links_html(table)
        else:
            report.closing_html += links_html(table)
    if report.slug == "enveloppe":
        report.closing_html += whatif_links_html(_reports_dir())
    return report


def _reports_dir() -> Path:
    from ..settings import get_settings

    return get_settings().reports_dir
