"""reconciliation.html: how the printed figures compare with their recomputation (published
marts.reconciliation_checks): counts by document, status and severity, then every failed or
acknowledged check with the printed text of its line. Policy: docs/reconciliation.md.

Counts of checks, and figures the deliberations print at département level: nothing to mask."""

from __future__ import annotations

import html
from dataclasses import dataclass
from decimal import Decimal

import duckdb
import polars as pl

from ..core.frenchfmt import format_count, format_date, format_number, french_minus
from . import absence, queries
from .charts import OKABE_ITO, Series, grouped_bars
from .framework import Chart, Document, Report, html_note, html_section, html_table
from .sources import source_of

SLUG = "reconciliation"
TITLE = "Rapprochement : les chiffres publiés comparés à leur recalcul"
# One vocabulary for every reader (this page, index.html, the run summary): a check has a status
# (its outcome) and a severity (whether an écart would block publishing), never mixed in one word.
# status -> (singular, plural): "1 écart accepté", "59 en écart", "437 conformes"
STATUS_FORMS = {
    "passed": ("conforme", "conformes"),
    "failed": ("en écart", "en écart"),
    "acknowledged": ("écart accepté", "écarts acceptés"),
    "not_evaluable": ("non évaluable", "non évaluables"),
}
STATUS_LABELS = {status: forms[0] for status, forms in STATUS_FORMS.items()}
SEVERITY_LABELS = {"error": "bloquant", "warning": "non bloquant"}
STATUS_ORDER = ("passed", "failed", "not_evaluable", "acknowledged")
_COLOURS = {
    ("passed", "error"): OKABE_ITO["bluish_green"],
    ("passed", "warning"): OKABE_ITO["sky_blue"],
    ("acknowledged", "error"): OKABE_ITO["reddish_purple"],
    ("acknowledged", "warning"): OKABE_ITO["grey"],
    ("failed", "warning"): OKABE_ITO["orange"],
    ("failed", "error"): OKABE_ITO["vermillion"],
    ("not_evaluable", "warning"): OKABE_ITO["yellow"],
    ("not_evaluable", "error"): OKABE_ITO["black"],
}


def category_label(status: str, severity: str) -> str:
    """'Conformes – contrôles non bloquants': the status, then the kind of check (its severity)."""
    return f"{STATUS_FORMS[status][1].capitalize()} – contrôles {SEVERITY_LABELS[severity]}s"


# (status, severity) -> (label, colour), in the order of the legend and the tables.
CATEGORIES = {key: (category_label(*key), colour) for key, colour in _COLOURS.items()}
KIND_LABELS = {
    "total_row": "ligne TOTAL",
    "derived_column": "colonne calculée",
    "regional_aggregate": "agrégat régional",
    "cross_row": "cohérence entre lignes",
    "cross_document": "même montant imprimé deux fois",
    "cross_source": "deux sources ou millésimes comparés",
    "engine": "nos calculs",
    "official_total": "total d'une publication officielle",
    "cross_publication": "même année dans deux publications du même producteur",
    "legal_ordering": "ordre légal des tarifs dépendance",
    "plausible_range": "prix ou tarif hors de sa fourchette plausible",
}
# The official files' checks (source_kind 'official_publication') as the summaries count them: (what is
# checked, plural, for "N <what>"), and whether an écart blocks the publication.
SPREADSHEET_KINDS = ("official_total", "cross_publication")  # their table_id is a sheet
OFFICIAL_KIND_TEXTS = {
    "official_total": "totaux imprimés comparés à la somme de leurs lignes",
    "cross_publication": "chiffres de la DREES comparés à ceux de son autre publication de la même année",
    "legal_ordering": "déclarations d'EHPAD (une par établissement et édition) dont les tarifs dépendance sont comparés "
    "à l'ordre légal GIR 1-2 ≥ GIR 3-4 ≥ GIR 5-6 > 0",
    "plausible_range": "déclarations d'EHPAD dont les prix et tarifs sont comparés à leur fourchette plausible",
}


def build(con: duckdb.DuckDBPyConnection, threshold: int) -> Report:
    del threshold  # counts of checks, and figures printed at département level: no count of people to mask
    docs = queries.documents(con)
    counts = queries.reconciliation_counts(con)
    issues = queries.reconciliation_discrepancies(con)
    official = queries.reconciliation_counts(con, queries.OFFICIAL)
    if counts.is_empty():  # no deliberation loaded (or none with a printed figure to check): no chart without data
        return Report(
            slug=SLUG,
            title=TITLE,
            intro=INTRO,
            charts=[],
            refreshed_at=queries.refresh_info(con).get("published_at"),
            headline=[("Contrôles évalués", no_checks_line(docs))]
            + _official_headline(official, queries.reconciliation_counts_by_kind(con)),
            missing=[f"{no_checks_line(docs).capitalize()}. {absence.loaded(docs)}"],
            closing_html=_official_section(official, queries.official_discrepancies(con)),
        )
    chart = _counts_chart(counts, queries.reconciliation_checked_lines(con), docs)
    return Report(
        slug=SLUG,
        title=TITLE,
        intro=INTRO,
        charts=[chart],
        refreshed_at=queries.refresh_info(con).get("published_at"),
        headline=_headline(counts) + _official_headline(official, queries.reconciliation_counts_by_kind(con)),
        closing_html=_counts_table(counts, docs)
        + _discrepancies(issues, docs)
        + _low_power(queries.reconciliation_low_power(con), docs)
        + _official_section(official, queries.official_discrepancies(con)),
    )


INTRO = (
    "À chaque rafraîchissement, chaque chiffre imprimé dans les délibérations est comparé à ce qui découle de "
    "ses propres lignes, des autres documents et de nos calculs (répartition des enveloppes), avec une "
    "tolérance qui suit la précision imprimée. Un écart sur nos calculs est bloquant : rien n'est publié. Un "
    "écart du document avec lui-même est signalé sans bloquer ; un écart déjà examiné par l'équipe est "
    "« accepté » (registre raw/acknowledged_discrepancies.yml). Le détail de la politique est dans "
    "docs/reconciliation.md."
)


def no_checks_line(docs: dict[str, Document]) -> str:
    """What the page, index.html and the run summary say when no deliberation check was evaluated."""
    if not docs:
        return f"{absence.NO_DELIBERATION.lower()} : 0 contrôle de délibération"
    return "0 contrôle de délibération : aucune délibération chargée n'imprime de chiffre à contrôler"


def status_count(status: str, count: int) -> str:
    singular, plural = STATUS_FORMS.get(status, (status, status))
    return f"{format_count(count)} {singular if count <= 1 else plural}"


def _document_label(doc: Document) -> str:
    return f"n°{doc.number} du {format_date(doc.date)} ({doc.collectivity})"


def _by_document(counts: pl.DataFrame, docs: dict[str, Document]) -> tuple[list[str], dict[str, dict[tuple[str, str], int]]]:
    table: dict[str, dict[tuple[str, str], int]] = {}
    for row in counts.iter_rows(named=True):
        table.setdefault(row["document_id"], {})[(row["status"], row["severity"])] = row["checks"]
    ordered = sorted(table, key=lambda d: (docs[d].date, d))
    return ordered, table


def _present(counts: pl.DataFrame) -> list[tuple[str, str]]:
    seen = set(counts.select("status", "severity").iter_rows())
    unknown = seen - set(CATEGORIES)
    if unknown:
        raise ValueError(f"marts.reconciliation_checks has statuses/severities without a French label: {sorted(unknown)}")
    return [key for key in CATEGORIES if key in seen]


def _counts_chart(counts: pl.DataFrame, lines: pl.DataFrame, docs: dict[str, Document]) -> Chart:
    documents, table = _by_document(counts, docs)
    labels = [_document_label(docs[d]) for d in documents]
    series = []
    for key in _present(counts):
        name, colour = CATEGORIES[key]
        values = [table[d].get(key, 0) for d in documents]
        series.append(Series(name, values, [format_count(v) for v in values], colour))
    figure = grouped_bars(labels, series, "Contrôles (nombre)", "Délibération", stacked=True, height=140 + 60 * len(labels))
    return Chart(
        "controles_par_document",
        "Contrôles par délibération, statut et sévérité",
        figure,
        source_of(lines, docs, what="lignes dont les chiffres sont contrôlés"),
        notes=[
            "Lecture : chaque barre compte les contrôles portant sur une délibération ; les écarts des contrôles "
            "non bloquants sont des incohérences du document lui-même, détaillées plus bas avec le texte imprimé."
        ],
        table=_count_rows(counts, docs),
    )


def _count_rows(counts: pl.DataFrame, docs: dict[str, Document]) -> tuple[list[str], list[list[str]]]:
    documents, table = _by_document(counts, docs)
    keys = _present(counts)
    headers = ["Délibération", *(CATEGORIES[k][0] for k in keys), "Total"]
    rows = [[_document_label(docs[d]), *(format_count(table[d].get(k, 0)) for k in keys), format_count(sum(table[d].values()))]
            for d in documents]  # fmt: skip
    rows.append(["Total", *(format_count(sum(t.get(k, 0) for t in table.values())) for k in keys),
                 format_count(sum(sum(t.values()) for t in table.values()))])  # fmt: skip
    return headers, rows


def _counts_table(counts: pl.DataFrame, docs: dict[str, Document]) -> str:
    return html_section(
        "comptes", "Nombre de contrôles par délibération, statut et sévérité", html_table(*_count_rows(counts, docs))
    )


def printed_decimals(row: dict) -> int:
    """The decimals the document printed, read from the check's tolerance (half a unit of the last
    printed digit: 0.005 -> 2, 0.5 -> 0). An exact figure has tolerance 0: whole numbers on both
    sides are shown without decimals (counts, hours), anything else to the cent; 2 when the check
    has no tolerance."""
    tolerance = row["tolerance"]
    if tolerance is not None and tolerance == 0:
        values = [v for v in (row["published_value"], row["computed_value"]) if v is not None]
        return 0 if values and all(Decimal(v) == Decimal(v).to_integral_value() for v in values) else 2
    if tolerance is None or tolerance < 0:
        return 2
    return max(0, -(Decimal(tolerance) * 2).normalize().as_tuple().exponent)


def _tolerance(tolerance, decimals: int) -> str:
    """A tolerance one digit finer than the figures (half a unit of their last digit); none: 0."""
    return "0" if tolerance is not None and tolerance == 0 else _figure(tolerance, decimals + 1)


def _figure(value, decimals: int, sign: bool = False) -> str:
    """A figure of a check at the printed precision (issue 14: "17 369,7031" beside "17 370,58")."""
    return format_number(value, decimals, sign)


def _discrepancies(issues: pl.DataFrame, docs: dict[str, Document]) -> str:
    """One block per check, grouped by document: line, printed text, figures, status, explanation."""
    title = "Écarts, contrôles non évaluables et écarts acceptés, contrôle par contrôle"
    if issues.is_empty():
        return html_section("ecarts", title, html_note("Aucun écart : tous les chiffres contrôlés sont conformes."))
    blocks = []
    for document_id in sorted(set(issues["document_id"].to_list()), key=lambda d: (docs[d].date, d)):
        blocks.append(f"<h3>{html.escape(docs[document_id].citation())}</h3>")
        blocks += [_check_block(r) for r in issues.filter(pl.col("document_id") == document_id).iter_rows(named=True)]
    return html_section("ecarts", f"{title} ({format_count(issues.height)})", "".join(blocks))


def _check_block(row: dict) -> str:
    heading = (f"Ligne {row['source_line']} – {KIND_LABELS.get(row['check_kind'], row['check_kind'])} : {row['measure']} "
               f"({row['table_id']}) – {STATUS_LABELS[row['status']]}, {SEVERITY_LABELS[row['severity']]}")  # fmt: skip
    shown = printed_decimals(row)
    printed = (row["line_text"] or "(ligne introuvable dans le document)").replace("\t", " │ ")
    figures = html_table(
        ["Publié", "Recalculé", "Écart", "Tolérance", "Statut", "Sévérité"],
        [[_figure(row["published_value"], shown), _figure(row["computed_value"], shown),
          _figure(row["delta"], shown, sign=True), _tolerance(row["tolerance"], shown), STATUS_LABELS[row["status"]],
          SEVERITY_LABELS[row["severity"]]]],
        numeric=[0, 1, 2, 3],
    )  # fmt: skip
    return (
        f'<article class="check" id="{html.escape(row["check_id"])}"><h4>{html.escape(heading)}</h4>'
        f'<p class="printed"><span class="meta">Texte imprimé :</span> {html.escape(printed)}</p>{figures}'
        f"<p>{html.escape(french_minus(row['explanation'] or ''))}</p></article>"
    )


def _low_power(rows: pl.DataFrame, docs: dict[str, Document]) -> str:
    """The passed checks that could hardly have failed: their tolerance is a large part of the figure."""
    if rows.is_empty():
        return ""
    note = html_note(
        "Ces contrôles sont conformes, mais leur tolérance, qui suit la précision des chiffres imprimés, est une "
        "grande part du chiffre contrôlé (plus d'un quart) : ils ne pourraient déceler qu'une erreur grossière."
    )
    table = html_table(
        ["Délibération", "Ligne", "Contrôle", "Chiffre", "Texte imprimé", "Tolérance / chiffre imprimé"],
        [[_document_label(docs[r["document_id"]]) if r["document_id"] in docs else r["document_id"], format_count(r["source_line"]),
          KIND_LABELS.get(r["check_kind"], r["check_kind"]), r["measure"], (r["line_text"] or "").replace("\t", " │ "),
          f"{format_number(r['tolerance_share'] * 100, 0)} %"]
         for r in rows.iter_rows(named=True)],
        numeric=[1, 5],
    )  # fmt: skip
    return html_section(
        "peu-discriminants", f"Contrôles conformes mais peu discriminants ({format_count(rows.height)})", note + table
    )


def _headline(counts: pl.DataFrame) -> list[tuple[str, str]]:
    def total(status: str, severity: str | None = None) -> int:
        rows = counts.filter(pl.col("status") == status)
        if severity:
            rows = rows.filter(pl.col("severity") == severity)
        return int(rows["checks"].sum())

    documents = counts["document_id"].n_unique()
    return [
        (
            "Contrôles évalués",
            f"{format_count(int(counts['checks'].sum()))} sur {format_count(documents)} "
            f"délibération{'s' if documents > 1 else ''}",
        ),
        ("Conformes", format_count(total("passed"))),
        (category_label("failed", "warning"), format_count(total("failed", "warning"))),
        ("Écarts acceptés après examen", format_count(total("acknowledged"))),
        ("Non évaluables (un chiffre manque : le contrôle échoue)", format_count(total("not_evaluable"))),
        (
            category_label("failed", "error"),
            f"{format_count(total('failed', 'error'))} (un écart bloquant empêche toute publication)",
        ),
    ]


# ---------------------------------------------------------------- one summary for every reader
@dataclass(frozen=True)
class StatusSummary:
    """The reconciliation of the published warehouse in the words index.html and the run summary
    both print (one function, so they cannot drift apart)."""

    line: str  # "497 contrôles : 437 conformes, 59 en écart, 1 écart accepté"
    rows: list[tuple[str, str, int]]  # (status, severity, checks), in the order of CATEGORIES
    official: str | None  # the official publications' own totals, when loaded
    discrepancies: list[str]  # every check en écart or accepted: document, line, what, published vs computed


def status_summary(con: duckdb.DuckDBPyConnection) -> StatusSummary | None:
    """None when the warehouse has no marts.reconciliation_checks."""
    counts = queries.reconciliation_status(con)
    if counts is None:
        return None
    docs = queries.documents(con)
    by_key = {(r["status"], r["severity"]): r["checks"] for r in counts.iter_rows(named=True)}
    rows = [(status, severity, by_key[(status, severity)]) for status, severity in _present(counts)]
    by_status = {s: sum(n for (status, _), n in by_key.items() if status == s) for s in STATUS_ORDER}
    total = sum(by_key.values())
    line = f"{format_count(total)} contrôle{'s' if total > 1 else ''} : " + ", ".join(
        status_count(s, n) for s, n in by_status.items() if n or s == "passed"
    )
    if not total:
        line = no_checks_line(docs)
    official = (
        _official_line(queries.reconciliation_counts_by_kind(con)) if queries.reconciliation_status(con) is not None else None
    )
    issues = queries.reconciliation_discrepancies(con)
    return StatusSummary(line, rows, official, [_discrepancy_line(r, docs) for r in issues.iter_rows(named=True)])


def _discrepancy_line(row: dict, docs: dict[str, Document]) -> str:
    doc = docs.get(row["document_id"])
    where = f"délibération n°{doc.number} du {format_date(doc.date)}" if doc else row["document_id"]
    shown = printed_decimals(row)  # as the check's block on reconciliation.html
    return (
        f"{where}, ligne {row['source_line']}, {KIND_LABELS.get(row['check_kind'], row['check_kind'])} : {row['measure']} – "
        f"publié {_figure(row['published_value'], shown)}, recalculé {_figure(row['computed_value'], shown)} – "
        f"{STATUS_LABELS[row['status']]}, {SEVERITY_LABELS[row['severity']]}"
    )


# ---------------------------------------------------------------- official publications (issues 13, 21)
def _kind_parts(by_kind: pl.DataFrame) -> list[tuple[str, int, int, int, bool]]:
    """(kind, checks, écarts, files, blocking) of each official kind present, in OFFICIAL_KIND_TEXTS' order."""
    parts = []
    for kind in OFFICIAL_KIND_TEXTS:
        rows = by_kind.filter(pl.col("check_kind") == kind)
        if rows.is_empty():
            continue
        failed = int(rows.filter(pl.col("status") != "passed")["checks"].sum())
        blocking = bool((rows["severity"] == "error").any())
        parts.append((kind, int(rows["checks"].sum()), failed, int(rows["documents"].max()), blocking))
    return parts


def _severity_words(blocking: bool) -> str:
    return "contrôles bloquants" if blocking else "contrôles non bloquants"


def _official_line(by_kind: pl.DataFrame) -> str | None:
    """One line for the run summary and index.html: each kind of the official files' checks."""
    parts = _kind_parts(by_kind)
    if not parts:
        return None
    texts = [
        f"{format_count(checks)} {OFFICIAL_KIND_TEXTS[kind]}, {status_count('failed', failed)} ({_severity_words(blocking)})"
        for kind, checks, failed, _, blocking in parts
    ]
    return "Publications officielles (INSEE, DREES, CNSA) : " + " ; ".join(texts)


def _official_headline(official: pl.DataFrame, by_kind: pl.DataFrame) -> list[tuple[str, str]]:
    if official.is_empty():
        return []
    return [
        (
            f"Publications officielles : {OFFICIAL_KIND_TEXTS[kind]}",
            f"{format_count(checks)} contrôlés dans {format_count(files)} fichier{'s' if files > 1 else ''}, "
            f"{status_count('failed', failed)} ({_severity_words(blocking)})",
        )
        for kind, checks, failed, files, blocking in _kind_parts(by_kind)
    ]


def _official_section(official: pl.DataFrame, issues: pl.DataFrame) -> str:
    """Counts per official file, then every check of an official file that is not conforme."""
    title = "Publications officielles : leurs totaux, un même chiffre dans deux publications, les prix déclarés"
    if official.is_empty():
        return ""
    keys = _present(official)
    files = sorted(set(official["document_id"].to_list()))
    table = {f: {} for f in files}
    for row in official.iter_rows(named=True):
        table[row["document_id"]][(row["status"], row["severity"])] = row["checks"]
    rows = [[f, *(format_count(table[f].get(k, 0)) for k in keys), format_count(sum(table[f].values()))] for f in files]
    counts = html_table(["Publication et édition", *(CATEGORIES[k][0] for k in keys), "Total"], rows, numeric_from=1)
    note = html_note(
        "Pour chaque tableau et chaque année : les totaux France métropolitaine, DROM et France de la DREES et de "
        "l'INSEE contre la somme de leurs départements, chaque ligne régionale contre ses départements, les totaux "
        "imprimés sous les régions contre la somme des régions et contre les mêmes totaux imprimés sous les "
        "départements, un territoire imprimé entier et en parties (Corse 20 = 2A + 2B, Rhône 69 = 69D + 69M) quand "
        "toutes ses parties ont une valeur, et pour l'INSEE Hommes + Femmes = Ensemble et la somme des tranches "
        "d'âge = Total : un écart est une incohérence de la publication elle-même, signalée sans bloquer la "
        "publication. Le fichier annuel de la DREES est comparé chiffre à chiffre à ses séries longues de la même "
        "année : même producteur, même année, un écart bloque la publication tant qu'il n'est pas expliqué. Les "
        "tarifs dépendance que chaque EHPAD déclare à la CNSA doivent suivre l'ordre légal GIR 1-2 ≥ GIR 3-4 ≥ "
        "GIR 5-6 > 0, et chaque prix ou tarif tenir dans sa fourchette plausible : un écart est signalé avec le "
        "FINESS, l'édition et la ligne, et la valeur est conservée."
    )
    blocks = [
        f'<article class="check" id="{html.escape(r["check_id"])}"><h4>{html.escape(r["document_id"])}, '
        f"{'feuille ' + html.escape(r['table_id']) + ', ' if r['check_kind'] in SPREADSHEET_KINDS else ''}"
        f"ligne {r['source_line']} – {html.escape(KIND_LABELS.get(r['check_kind'], r['check_kind']))} : "
        f"{STATUS_LABELS[r['status']]}, {SEVERITY_LABELS[r['severity']]}</h4>"
        f"<p>{html.escape(french_minus(r['explanation'] or ''))}</p></article>"
        for r in issues.iter_rows(named=True)
    ]
    detail = (
        "".join(blocks)
        if blocks
        else html_note("Aucun écart : chaque chiffre contrôlé des publications officielles est conforme.")
    )
    return html_section("publications-officielles", f"{title} ({format_count(issues.height)} écarts)", note + counts + detail)
