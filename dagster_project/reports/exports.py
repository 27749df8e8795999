"""CSV exports of the reports' tables, each in two forms, through ONE writer.

- "data" (`<base>.csv`): plain numbers for a spreadsheet: the figures exactly as the marts hold
  them (DECIMAL digits, no rounding, no thousands separator), decimal comma, dates ISO, one row
  per record (no TOTAL row), and the provenance of every row (document and line, or file).
- "as printed" (`<base>_imprime.csv`): the table as the deliberation lays it out, figures written
  by the project formatter (core/frenchfmt.format_plain: `1 234,56 €`, `0,55%`), TOTAL row where
  the document prints one, then a blank row and the source line (pasting the table stops there).

Both: `;`, CRLF, UTF-8 with BOM (French Excel decodes them right). Counts of people under the
disclosure threshold carry the report's own masked text in both forms. File names: `<report>_<table>`
for the refresh's exports, `whatif_<year>_<amount>` for the what-if CLI; `_imprime` marks the
printed form. Everything is read from the marts; nothing is summed or rounded here.
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb

from ..core.frenchfmt import format_date, format_month, format_plain
from .disclosure import disclose_counts
from .framework import Document, Report, Source

PRINTED_SUFFIX = "_imprime"
WHATIF_PREFIX = "whatif_"
FORM_LABELS = {"data": "données (nombres bruts)", "printed": "tel qu'imprimé (mise en page française)"}


@dataclass(frozen=True)
class Masked:
    """A count of people under the threshold: the text the report shows in its place."""

    text: str


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = "text"  # text, count, decimal, eur, pct, permille, hours, date, month, bool
    decimals: int | None = None  # as printed (None: the value's own significant digits)
    suffix: str | None = None  # as printed, after the figure (default by kind: " €", " %", " ‰")
    printed: bool = True  # False: provenance columns, in the data form only


DEFAULT_SUFFIX = {"eur": " €", "pct": " %", "permille": " ‰"}
# the `unit` codes of the marts, as the exports name them
UNIT_LABELS = {"pct": "%", "per_1000": "‰", "eur": "€", "eur_per_inhabitant": "€ par habitant",
               "eur_per_beneficiary": "€ par allocataire", "count": "nombre", "ratio": "rapport", "years": "ans",
               "hours": "heures"}  # fmt: skip


@dataclass
class Table:
    """One exported table: its records (marts' values), the printed TOTAL row if any, its source."""

    report: str  # slug of the report it belongs to (index.html's "Téléchargements")
    base: str  # file name without .csv
    title: str  # French, what the links say
    columns: list[Column]
    rows: list[list]
    source: str  # the footnote, last line of the printed form
    total: list | None = None  # printed form only, same columns
    chart_id: str | None = None  # the chart whose table it exports: the links go there
    files: dict[str, bytes] = field(init=False)

    def __post_init__(self) -> None:
        for row in [*self.rows, *([self.total] if self.total else [])]:
            if len(row) != len(self.columns):
                raise ValueError(f"{self.base}: row of {len(row)} cells for {len(self.columns)} columns: {row!r}")
        self.files = {self.data_name: data_csv(self), self.printed_name: printed_csv(self)}

    @property
    def data_name(self) -> str:
        return f"{self.base}.csv"

    @property
    def printed_name(self) -> str:
        return f"{self.base}{PRINTED_SUFFIX}.csv"


# ------------------------------------------------------------------ the writer


def csv_bytes(rows: Sequence[Sequence[str]]) -> bytes:
    """THE CSV writer of every export: `;`, CRLF, UTF-8 with BOM."""
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def data_cell(value, column: Column) -> str:
    """The mart's value as a spreadsheet reads it: decimal comma, every digit the mart keeps."""
    if value is None:
        return ""
    if isinstance(value, Masked):
        return value.text
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float):  # a float would print binary noise (0.1 + 0.2): the marts give DECIMAL
        raise TypeError(f"column {column.header!r}: float {value!r}, expected a DECIMAL from the marts")
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def printed_cell(value, column: Column) -> str:
    """The value as the deliberation prints it (format_plain: ordinary spaces, decimal comma)."""
    if value is None:
        return ""
    if isinstance(value, Masked):
        return value.text
    kind = column.kind
    if kind == "month":  # '2024-03' -> 'mars 2024'
        return format_month(value)
    if isinstance(value, str):
        return value
    if kind == "bool":
        return "oui" if value else "non"
    if kind == "date":
        return format_date(value)
    if kind == "count":
        return format_plain(value, 0)
    if kind in ("decimal", "hours", "eur", "pct", "permille"):
        decimals = 2 if kind == "eur" and column.decimals is None else column.decimals
        suffix = column.suffix if column.suffix is not None else DEFAULT_SUFFIX.get(kind, "")
        return f"{format_plain(value, decimals)}{suffix}"
    return str(value)


def data_csv(table: Table) -> bytes:
    return csv_bytes(
        [[c.header for c in table.columns]] + [[data_cell(v, c) for v, c in zip(row, table.columns)] for row in table.rows]
    )


def printed_csv(table: Table) -> bytes:
    keep = [i for i, c in enumerate(table.columns) if c.printed]
    rows = [[table.columns[i].header for i in keep]]
    for row in [*table.rows, *([table.total] if table.total else [])]:
        rows.append([printed_cell(row[i], table.columns[i]) for i in keep])
    rows += [[], [table.source]]
    return csv_bytes(rows)


# ------------------------------------------------------------------ links


def links_html(table: Table) -> str:
    """The two download links placed under the table they export."""
    rows = len(table.rows)
    return (
        f'<p class="download">Télécharger {html.escape(table.title)}, {rows} ligne{"s" if rows > 1 else ""} : '
        f'<a href="{table.data_name}" download>données</a> ({table.data_name} : nombres bruts, virgule décimale) · '
        f'<a href="{table.printed_name}" download>tel qu\'imprimé</a> ({table.printed_name} : mise en page de la '
        "délibération). Séparateur point-virgule, UTF-8 avec BOM (s'ouvre directement dans Excel).</p>"
    )


def attach(report: Report, con: duckdb.DuckDBPyConnection, threshold: int | None = None) -> Report:
    """Adds the report's exports to its files (written beside the page) and links each under the
    table it exports (or at the end of the page when no chart shows it)."""
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


# ------------------------------------------------------------------ what the reports export


def _documents(con: duckdb.DuckDBPyConnection) -> dict[str, Document]:
    from .queries import documents

    return documents(con)


def footnote(con: duckdb.DuckDBPyConnection, pairs: Sequence[tuple[str, int]], what: str) -> str:
    """'Source : <what> ; <document citation>, lignes …' for every document among the rows."""
    docs = _documents(con)
    parts = []
    for document_id in sorted({d for d, _ in pairs if d}):
        lines = tuple(line for d, line in pairs if d == document_id and line is not None)
        parts.append(Source(docs[document_id], lines).footnote().removeprefix("Source : ").removesuffix("."))
    return f"Source : {what} ; " + " ; ".join(parts) + "."


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


PROVENANCE = [Column("Document", printed=False), Column("Ligne du document", "count", printed=False)]


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
        Column("Ville"),
        Column("SAD"),
        Column(f"Activité APA {basis} (sur 12 mois en heures)", "hours", 2),
        Column(f"Répartition de l'activité {basis} (en %)", "pct", 2, "%"),
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


def _compensations_nord(con: duckdb.DuckDBPyConnection, threshold: int | None) -> list[Table]:
    """Every row of the Nord annexes split PA / PH (SAD rows and printed TOTAL rows), one file."""
    rows = _records(
        con,
        "SELECT annex_code, measure_label_fr, year, sad_name, city, is_total, amount_eur, elderly_pa_eur, disabled_ph_eur, "
        "document_id, source_line FROM marts.rpt_compensations_nord__annex_rows ORDER BY annex_code, is_total, source_line",
    )
    columns = [
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
    from .queries import NORD_ANNEXES

    table_rows = [
        [NORD_ANNEXES.get(r["annex_code"], (None, r["annex_code"]))[1], r["measure_label_fr"], str(r["year"]),
         "TOTAL" if r["is_total"] else r["sad_name"], r["city"] or "", r["is_total"], r["amount_eur"], r["elderly_pa_eur"],
         r["disabled_ph_eur"], r["document_id"], r["source_line"]]
        for r in rows
    ]  # fmt: skip
    return [
        Table(
            "compensations_nord",
            "compensations_nord_annexes",
            "les lignes des annexes 1, 4 et 5 (montants par SAD et totaux imprimés, répartis PA / PH)",
            columns,
            table_rows,
            footnote(con, [(r["document_id"], r["source_line"]) for r in rows], "annexes 1, 4 et 5, répartition PA / PH"),
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
                f"les heures d'APA facturées en {year} par SAD (annexe 1)",
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
    masked = {
        key: _masked([r[key] for r in rows], [f"{lab} – {name}" for lab in labels], threshold) for key, name in codes.items()
    }
    columns = [Column("SAD"), Column("Commune"), Column("Mois", "month"), Column("Toutes prestations", "count"),
               Column("APA", "count"), Column("PCH", "count"), Column("aide sociale générale (ASG)", "count"),
               Column("Fichier FAP", printed=False)]  # fmt: skip
    table_rows = [
        [r["sad_name"], r["city"] or "", month, *(masked[k][i] for k in codes), r["file_name"]] for i, r in enumerate(rows)
    ]
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


BUILDERS: dict[str, Callable[[duckdb.DuckDBPyConnection, int | None], list[Table]]] = {
    "enveloppe": _enveloppe,
    "indicateurs": _indicateurs,
    "activite_sad": _activite_sad,
    "compensations_nord": _compensations_nord,
}


# ------------------------------------------------------------------ what lies in reports/


@dataclass(frozen=True)
class Download:
    name: str
    form: str  # "data" or "printed"
    rows: int  # records (the printed form counts its TOTAL row too), header and source line excluded
    report: str  # slug of the owning report


def downloads(reports_dir: Path, slugs: Sequence[str]) -> list[Download]:
    """Every CSV beside the reports that belongs to one of them (its name starts with the report's
    slug; what-if annexes belong to the envelope report), with its form and row count."""
    found = []
    for path in sorted(reports_dir.glob("*.csv")):
        report = "enveloppe" if path.name.startswith(WHATIF_PREFIX) else _owner(path.name, slugs)
        if report is None:
            continue
        form = "printed" if path.stem.endswith(PRINTED_SUFFIX) else "data"
        found.append(Download(path.name, form, _row_count(path), report))
    return found


def _owner(name: str, slugs: Sequence[str]) -> str | None:
    owners = [s for s in slugs if name.startswith(f"{s}_")]
    return max(owners, key=len) if owners else None


def _row_count(path: Path) -> int:
    """Rows after the header, up to the blank row that precedes a printed form's source line."""
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig")), delimiter=";"))
    body = rows[1:]
    if [] in body:
        body = body[: body.index([])]
    return len(body)


def whatif_links_html(reports_dir: Path) -> str:
    """The what-if annexes `make whatif` wrote beside the reports (listed by name, newest run last)."""
    found = [d for d in downloads(reports_dir, ()) if d.report == "enveloppe" and d.name.startswith(WHATIF_PREFIX)]
    if not found:
        return ""
    items = "".join(
        f'<li><a href="{html.escape(d.name)}" download>{html.escape(d.name)}</a> : {FORM_LABELS[d.form]}, {d.rows} lignes</li>'
        for d in found
    )
    return (
        '<section class="chart" id="simulations_csv" aria-label="Simulations (make whatif)"><h2>Simulations calculées '
        "avec make whatif (annexes CSV)</h2><p>Annexes écrites par <code>make whatif AMOUNT=…</code> à partir de "
        f"l'entrepôt publié ; aucune délibération n'a voté ces montants.</p><ul>{items}</ul></section>"
    )
