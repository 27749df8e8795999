"""The next deliberation's annex, generated (`make annex YEAR=2026 AMOUNT=912000`, `autonomy annex`,
the Dagster job `annex`): the SAD envelope annex of the BAD compensation deliberation (layout of
document 002's annex) for a new envelope, in three files under `<reports>/annexes/`:

- `annexe_sad_<year>_<amount>.docx`: the document the deliberation attaches (python-docx), styled
  only through named styles ("Annexe – …", see docs/annex.md) that a département restyles in Word or
  LibreOffice; page numbers in the footer;
- `annexe_sad_<year>_<amount>.txt`: the same annex as tab-separated text, the form deliberations
  are ingested in: loaded with a manifest entry and catalogue entries (kind sad_envelope_annex),
  its figures go back through the reconciliation checks (tests/test_annex.py);
- `annexe_sad_<year>_<amount>.pdf`: the .docx converted by LibreOffice (headless), when installed.

Every figure is read from the marts of a scratch copy of the published warehouse, where the dbt
allocation engine split the envelope (whatif.scratch_allocation): the SAD and their sad_key, the
hours of the latest complete year of FAP exports before the envelope's year (the what-if's rule,
dbt macro envelope_hours_basis), each amount to the cent by largest remainder, ties by SAD name
then city (int_envelope_allocations), the 2-decimal shares and the TOTAL row (marts.envelopes).
Nothing is added up or rounded here: this module formats (core/frenchfmt.py) and writes.

All or nothing: the three files are made in memory (the PDF in a temporary folder), then written
atomically; any error (bad amount, no complete year of FAP exports before the year, a SAD of the
FAP registry without hours, a failed conversion) writes nothing.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from ..core.frenchfmt import format_date, format_eur, format_hours, format_pct, format_plain
from ..settings import get_settings
from .whatif import WhatifError, WhatifRow, WhatifTotals, fap_source_text, parse_amount, read_allocation, scratch_allocation

ANNEX_DIR = "annexes"
PREFIX = "annexe_sad_"
HOURS_SOURCE = "fap_exports"  # the annex is split on the FAP exports' hours, never on a printed annex
PDF_HINT = (
    "PDF not written: LibreOffice is not installed (Debian, Ubuntu: apt-get install --no-install-recommends "
    "libreoffice-writer; then make annex again, or: soffice --headless --convert-to pdf <file>.docx)"
)
FIRST_YEAR, LAST_YEAR = 2000, 2100  # the years dbt reads envelope_<year>_eur for (macros/whatif.sql)

# The named styles of the .docx: every paragraph and the table use one of them, nothing else
# carries formatting. A département restyles them (Word: Styles pane; LibreOffice: F11).
STYLE_COLLECTIVITY = "Annexe – Collectivité"
STYLE_TITLE = "Annexe – Titre"
STYLE_SUBTITLE = "Annexe – Sous-titre"
STYLE_TEXT = "Annexe – Texte"
STYLE_TABLE = "Annexe – Tableau"
STYLE_HEADER = "Annexe – En-tête de colonne"
STYLE_CELL = "Annexe – Cellule"
STYLE_NUMBER = "Annexe – Cellule nombre"
STYLE_TOTAL = "Annexe – Total"
STYLE_TOTAL_NUMBER = "Annexe – Total nombre"
STYLE_SOURCE = "Annexe – Source"
STYLE_FOOTER = "Annexe – Pied de page"
FONT = "Arial"  # LibreOffice shows it with a metric-compatible font where Arial is absent
COLUMN_WIDTHS_CM = (4.3, 6.0, 2.6, 2.2, 2.7)  # 17.8 cm: A4 portrait less two margins of 1.6 cm


class AnnexError(WhatifError):
    """An annex that cannot be made, with what to do about it; nothing was written."""


@dataclass(frozen=True)
class Annex:
    """What the annex prints, read from the marts of the scratch allocation."""

    department_code: str
    department_of: str  # "du Pas-de-Calais" (marts.rpt_reports__territories)
    year: int
    amount_eur: Decimal
    rows: list[WhatifRow]
    totals: WhatifTotals
    fap_source: str  # the FAP exports: files, period, synthetic or not
    run_id: str  # the refresh that published the warehouse the annex is read from
    published_at: str
    number: int = 1  # the annex's number in the deliberation it goes with (ANNEXE 1)

    @property
    def heading(self) -> str:
        return f"ANNEXE {self.number}"

    @property
    def basis_year(self) -> int:
        return self.totals.basis_year

    @property
    def stem(self) -> str:
        return f"{PREFIX}{self.year}_{self.amount_eur}"

    @property
    def headers(self) -> list[str]:
        """The printed headers of document 002's annex (the catalogue's column map)."""
        return [
            "Ville",
            "SAD",
            f"Activité APA {self.basis_year} (sur 12 mois en heures)",
            f"Répartition de l'activité {self.basis_year} (en %)",
            f"Répartition de l'enveloppe {self.year} (en €)",
        ]

    @property
    def title(self) -> str:
        return f"Activité APA {self.basis_year} facturée via FAP et répartition de l'enveloppe {self.year} par SAD"

    @property
    def decision(self) -> str:
        """The sentence stating the envelope (a figure of role envelope_eur once catalogued)."""
        return (
            f"Enveloppe {self.year} d'un montant de {format_plain(self.amount_eur, 2)} € reversée aux "
            f"{len(self.rows)} services autonomie à domicile (SAD) ci-dessous au prorata de leur activité APA "
            f"{self.basis_year} facturée via FAP."
        )

    @property
    def rule(self) -> str:
        return (
            "Chaque montant est l'enveloppe × heures du SAD / heures de tous les SAD, arrondi au centime le plus proche (un "
            f"demi-centime vers le haut) ; les {self.totals.cents_adjusted} centime(s) d'écart entre la somme des arrondis et l'enveloppe "
            "sont donnés (ou repris) un à un aux SAD dont le reste d'arrondi est le plus fort (ou le plus faible), à reste "
            "égal dans l'ordre du nom du SAD puis de la commune tels qu'imprimés (ordre des caractères Unicode)."
        )

    @property
    def source(self) -> str:
        published = _paris(self.published_at)
        return (
            f"Source : heures d'APA {self.basis_year} par SAD, sommées des {self.fap_source} ; entrepôt publié par "
            f"l'actualisation {self.run_id[:8]} du {published} ; répartition : moteur d'allocation de l'entrepôt "
            "(make annex)."
        )


@dataclass(frozen=True)
class AnnexResult:
    annex: Annex
    docx: Path
    txt: Path
    pdf: Path | None
    pdf_missing: str | None  # why there is no PDF, when there is none

    @property
    def paths(self) -> list[Path]:
        return [p for p in (self.docx, self.txt, self.pdf) if p is not None]


# ------------------------------------------------------------------ input


def parse_year(value: int | str) -> int:
    text = str(value).strip()
    if not re.fullmatch(r"\d{4}", text) or not FIRST_YEAR <= int(text) <= LAST_YEAR:
        raise AnnexError(f"year {value!r}: give the envelope's year, {FIRST_YEAR} to {LAST_YEAR} (e.g. 2026)")
    return int(text)


def parse_cents(value: Decimal | int | str) -> Decimal:
    """A positive amount in euros and cents ('912000', '912000.50', '912 000,50 €') or a clear error:
    digits, at most 2 decimals, nothing else (no sign, no exponent)."""
    text = str(value)
    if not re.fullmatch(r"\d+([.,]\d{1,2})?", re.sub(r"[\s\u00a0\u202f€]", "", text)):
        raise AnnexError(
            f"amount {text!r}: an envelope is a positive amount in euros with at most 2 decimals (e.g. 912000 or 912000,50)"
        )
    try:
        return parse_amount(text)
    except WhatifError as exc:
        raise AnnexError(str(exc)) from None


# ------------------------------------------------------------------ the marts


def read_annex(year: int, amount: Decimal, department_code: str | None = None, number: int = 1) -> Annex:
    """The allocation of `amount` for `year` on the FAP exports' hours, read from the marts."""
    with scratch_allocation(amount, year, department_code, hours_source=HOURS_SOURCE) as scratch:
        con = scratch.con
        built = con.execute("SELECT count(*) FROM marts.envelopes WHERE envelope_id = ?", [scratch.envelope_id]).fetchone()
        if not built[0]:
            complete = [
                y
                for (y,) in con.execute(
                    "SELECT DISTINCT year FROM marts.sad_activity_summary WHERE department_code = ? AND hours_source = ? "
                    "ORDER BY year",
                    [scratch.department_code, HOURS_SOURCE],
                ).fetchall()
            ]
            listed = ", ".join(map(str, complete)) or "none"
            raise AnnexError(
                f"no complete year of FAP exports before {year} for département {scratch.department_code} (complete "
                f"years, 12 months of exports: {listed}): the annex of {year} is split on the hours of the latest complete "
                "year before it. Choose a later --year, or load the 12 monthly exports of an earlier year into raw/fap/ "
                "and run `make run`. Nothing written."
            )
        missing = con.execute(
            "SELECT sad_name, city, sad_key FROM marts.rpt_enveloppe__sad_without_hours WHERE envelope_id = ? "
            "ORDER BY sad_name, city",
            [scratch.envelope_id],
        ).fetchall()
        rows, totals = read_allocation(scratch)
        if missing:
            names = "; ".join(f"{name} ({city or 'commune non renseignée'}, {key})" for name, city, key in missing)
            raise AnnexError(
                f"{len(missing)} SAD of the FAP registry (raw/fap/sad_registry.csv) of département "
                f"{scratch.department_code} have no APA hours in the {totals.basis_year} FAP exports: {names}. The annex "
                "would give them nothing without saying so: check their exports, or remove from the registry a SAD that "
                "no longer bills through FAP, then `make run`. Nothing written."
            )
        place = con.execute(
            "SELECT name_of_fr FROM marts.rpt_reports__territories WHERE territory_code = ?", [scratch.department_code]
        ).fetchall()
        refresh = dict(con.execute("SELECT key, value FROM meta.refresh").fetchall())
        return Annex(
            department_code=scratch.department_code,
            department_of=place[0][0] if place else scratch.department_code,
            year=year,
            amount_eur=amount,
            rows=rows,
            totals=totals,
            fap_source=fap_source_text(con, totals.basis_year),
            run_id=refresh.get("run_id", "inconnue"),
            published_at=refresh.get("published_at", ""),
            number=number,
        )


def _paris(iso: str) -> str:
    if not iso:
        return "date inconnue"
    from ..core.frenchfmt import PARIS

    return format_date(datetime.fromisoformat(iso).astimezone(PARIS))


# ------------------------------------------------------------------ the tab-separated text


def annex_text(annex: Annex) -> str:
    """The annex as deliberations are ingested: UTF-8 text, the table tab-separated, numbers as
    document 002 prints them (`23 596,00`, `0,55%`, `4 981,95 €`), a TOTAL row, then the source."""
    t = annex.totals
    lines = [
        f"DÉPARTEMENT {annex.department_of.upper()}",
        "",
        annex.heading,
        "",
        annex.title,
        "",
        annex.decision,
        "",
        "\t".join(annex.headers),
        *(
            "\t".join(
                (
                    r.city,
                    r.sad_name,
                    format_plain(r.hours, 2),
                    f"{format_plain(r.share_rounded_pct, 2)}%",
                    f"{format_plain(r.amount_eur, 2)} €",
                )
            )
            for r in annex.rows
        ),
        "\t".join(("", "TOTAL", format_plain(t.hours_total, 2), "100,00%", f"{format_plain(t.allocated_eur, 2)} €")),
        "",
        annex.rule,
        "",
        annex.source,
        "",
    ]
    return "\n".join(lines)


# ------------------------------------------------------------------ the Word document


def annex_docx(annex: Annex) -> bytes:
    """The annex as a .docx: named styles only (no direct formatting), A4 portrait, the header row
    repeated on every page and no row split across two, 'page N sur M' in the footer."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    from docx.shared import Cm

    document = Document()
    _styles(document)
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(1.6)
    section.top_margin, section.bottom_margin = Cm(1.8), Cm(1.8)
    properties = document.core_properties
    properties.title = f"Annexe – {annex.title}"
    properties.subject = f"Enveloppe {annex.year} de {format_plain(annex.amount_eur, 2)} € – département {annex.department_code}"
    properties.author = properties.last_modified_by = "autonomy-warehouse (make annex)"
    properties.language = "fr-FR"
    if annex.published_at:  # the warehouse's publication: the same annex of the same warehouse has the same properties
        properties.created = properties.modified = datetime.fromisoformat(annex.published_at).replace(tzinfo=None)

    document.add_paragraph(f"Département {annex.department_of}", style=STYLE_COLLECTIVITY)
    document.add_paragraph(annex.heading, style=STYLE_TITLE)
    document.add_paragraph(annex.title, style=STYLE_SUBTITLE)
    document.add_paragraph(_typographic(annex.decision, annex.amount_eur), style=STYLE_TEXT)

    integral = all(r.hours == r.hours.to_integral_value() for r in annex.rows)
    decimals = 0 if integral else 2
    table = document.add_table(rows=1, cols=5, style=STYLE_TABLE)
    table.autofit = False
    _table_look(table)
    for cell, text in zip(table.rows[0].cells, annex.headers):
        cell.paragraphs[0].text = text
        cell.paragraphs[0].style = document.styles[STYLE_HEADER]
    _repeat_header(table.rows[0])
    body = [
        (r.city, r.sad_name, format_hours(r.hours, decimals), format_pct(r.share_rounded_pct, 2), format_eur(r.amount_eur))
        for r in annex.rows
    ]
    t = annex.totals
    total = ("", "TOTAL", format_hours(t.hours_total, decimals), format_pct(100, 2), format_eur(t.allocated_eur))
    for values, styles in [*((b, (STYLE_CELL, STYLE_NUMBER)) for b in body), (total, (STYLE_TOTAL, STYLE_TOTAL_NUMBER))]:
        cells = table.add_row().cells
        for index, (cell, text) in enumerate(zip(cells, values)):
            cell.paragraphs[0].text = text
            cell.paragraphs[0].style = document.styles[styles[0] if index < 2 else styles[1]]
    for row in table.rows:  # a row never breaks across two pages
        row._tr.get_or_add_trPr().append(parse_xml(f"<w:cantSplit {nsdecls('w')}/>"))
    for column, width in zip(table.columns, COLUMN_WIDTHS_CM):  # the grid (LibreOffice) and each cell (Word)
        column.width = Cm(width)
        for cell in column.cells:
            cell.width = Cm(width)

    document.add_paragraph(annex.rule, style=STYLE_SOURCE)
    document.add_paragraph(annex.source, style=STYLE_SOURCE)
    _footer(section, f"Annexe – enveloppe {annex.year} de {format_eur(annex.amount_eur)} – page ")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _typographic(text: str, amount: Decimal) -> str:
    """The sentence of the .txt with the amount as a report prints it (no-break spaces)."""
    return text.replace(f"{format_plain(amount, 2)} €", format_eur(amount))


def _styles(document) -> None:
    """The named styles of the annex, made once in the document (the only place with formatting)."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    from docx.shared import Pt

    styles = document.styles
    normal = styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10)
    # French for spelling and hyphenation, in the document defaults
    defaults = document.styles.element.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}docDefaults")
    rpr = defaults.find(".//{http://schemas.openxmlformats.org/wordprocessingml/2006/main}rPr")
    rpr.append(parse_xml(f'<w:lang {nsdecls("w")} w:val="fr-FR" w:eastAsia="fr-FR" w:bidi="ar-SA"/>'))

    def paragraph(name: str, size: float, bold=False, italic=False, align=None, before=0.0, after=4.0, caps=False):
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.quick_style = True
        style.font.size = Pt(size)
        style.font.bold = bold
        style.font.italic = italic
        style.font.all_caps = caps
        fmt = style.paragraph_format
        fmt.alignment = align
        fmt.space_before, fmt.space_after = Pt(before), Pt(after)
        return style

    paragraph(STYLE_COLLECTIVITY, 10, bold=True, caps=True, after=18)
    title = paragraph(STYLE_TITLE, 16, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=6)
    title.paragraph_format.keep_with_next = True
    subtitle = paragraph(STYLE_SUBTITLE, 12, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=12)
    subtitle.paragraph_format.keep_with_next = True
    paragraph(STYLE_TEXT, 10, align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=10)
    paragraph(STYLE_HEADER, 8.5, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=1, after=1)
    paragraph(STYLE_CELL, 8.5, before=1, after=1)
    paragraph(STYLE_NUMBER, 8.5, align=WD_ALIGN_PARAGRAPH.RIGHT, before=1, after=1)
    paragraph(STYLE_TOTAL, 8.5, bold=True, before=1, after=1)
    paragraph(STYLE_TOTAL_NUMBER, 8.5, bold=True, align=WD_ALIGN_PARAGRAPH.RIGHT, before=1, after=1)
    paragraph(STYLE_SOURCE, 8, italic=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY, before=6, after=0)
    paragraph(STYLE_FOOTER, 8, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)

    table = styles.add_style(STYLE_TABLE, WD_STYLE_TYPE.TABLE)
    table.base_style = styles["Normal Table"]
    # borders, cell margins, a grey header row and a TOTAL row with a top rule: in the style
    table.element.append(
        parse_xml(
            f"<w:tblPr {nsdecls('w')}><w:tblBorders>"
            + "".join(
                f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="808080"/>'
                for side in ("top", "left", "bottom", "right", "insideH", "insideV")
            )
            + '</w:tblBorders><w:tblCellMar><w:left w:w="70" w:type="dxa"/><w:right w:w="70" w:type="dxa"/>'
            "</w:tblCellMar></w:tblPr>"
        )
    )
    table.element.append(
        parse_xml(
            f'<w:tblStylePr {nsdecls("w")} w:type="firstRow"><w:tcPr><w:shd w:val="clear" w:color="auto" '
            'w:fill="D9D9D9"/><w:vAlign w:val="center"/></w:tcPr></w:tblStylePr>'
        )
    )
    table.element.append(
        parse_xml(
            f'<w:tblStylePr {nsdecls("w")} w:type="lastRow"><w:tcPr><w:tcBorders><w:top w:val="single" w:sz="12" '
            'w:space="0" w:color="000000"/></w:tcBorders><w:shd w:val="clear" w:color="auto" w:fill="F2F2F2"/>'
            "</w:tcPr></w:tblStylePr>"
        )
    )


def _table_look(table) -> None:
    """Which parts of the table style apply: the header row and the TOTAL row (last row)."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    tbl_pr = table._tbl.tblPr
    for old in tbl_pr.findall("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblLook"):
        tbl_pr.remove(old)
    tbl_pr.append(
        parse_xml(
            f'<w:tblLook {nsdecls("w")} w:val="0060" w:firstRow="1" w:lastRow="1" w:firstColumn="0" w:lastColumn="0" '
            'w:noHBand="1" w:noVBand="1"/>'
        )
    )


def _repeat_header(row) -> None:
    """The header row printed again at the top of every page (a table property, not formatting)."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    row._tr.get_or_add_trPr().append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))


def _footer(section, text: str) -> None:
    """'<text> N sur M' in the footer: PAGE and NUMPAGES fields, in the footer's named style."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    paragraph = section.footer.paragraphs[0]
    paragraph.style = STYLE_FOOTER
    paragraph.add_run(text)
    for instruction, after in (("PAGE", " sur "), ("NUMPAGES", "")):
        paragraph._p.append(
            parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr="{instruction}"><w:r><w:t>1</w:t></w:r></w:fldSimple>')
        )
        if after:
            paragraph._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:t xml:space="preserve">{after}</w:t></w:r>'))


# ------------------------------------------------------------------ the PDF


def soffice() -> str | None:
    """LibreOffice's command line (Debian package libreoffice-writer), or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(docx: bytes, stem: str, command: str) -> bytes:
    """The .docx converted by LibreOffice, headless, in a private profile (no clash with an open
    LibreOffice or another conversion)."""
    with tempfile.TemporaryDirectory(prefix="annex-pdf-") as tmp:
        folder = Path(tmp)
        (folder / f"{stem}.docx").write_bytes(docx)
        profile = (folder / "profile").as_uri()
        done = subprocess.run(
            [command, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to", "pdf",
             "--outdir", str(folder), str(folder / f"{stem}.docx")],
            capture_output=True, text=True, timeout=300, env={**os.environ, "HOME": str(folder)},
        )  # fmt: skip
        pdf = folder / f"{stem}.pdf"
        if done.returncode != 0 or not pdf.is_file():
            raise AnnexError(
                f"LibreOffice could not convert the annex to PDF (exit {done.returncode}): "
                f"{(done.stderr or done.stdout).strip()[-500:]}. Nothing written."
            )
        return pdf.read_bytes()


# ------------------------------------------------------------------ all of it


def run_annex(
    year: int | str,
    amount: Decimal | int | str,
    out_dir: Path | None = None,
    department_code: str | None = None,
    number: int | str = 1,
) -> AnnexResult:
    """Reads the marts, makes the three files in memory, then writes them (all or nothing).
    number: the annex's number in the deliberation it goes with (its heading, ANNEXE <number>)."""
    year, amount = parse_year(year), parse_cents(amount)
    if not str(number).isdigit() or int(number) < 1:
        raise AnnexError(
            f"annex number {number!r} is not a whole number from 1 (the heading is ANNEXE <number>). Nothing written."
        )
    annex = read_annex(year, amount, department_code, int(number))
    folder = out_dir or get_settings().reports_dir / ANNEX_DIR
    files = {
        folder / f"{annex.stem}.txt": annex_text(annex).encode("utf-8"),
        folder / f"{annex.stem}.docx": annex_docx(annex),
    }
    command = soffice()
    pdf = folder / f"{annex.stem}.pdf"
    if command:
        files[pdf] = docx_to_pdf(files[folder / f"{annex.stem}.docx"], annex.stem, command)
    _write_all(files, stale=[] if command else [pdf])
    return AnnexResult(annex, folder / f"{annex.stem}.docx", folder / f"{annex.stem}.txt", pdf if command else None,
                       None if command else PDF_HINT)  # fmt: skip


def _write_all(files: dict[Path, bytes], stale: list[Path]) -> None:
    """Every file written to a temporary name beside its target first, then renamed over it: a
    failure before the renames leaves the folder as it was. A PDF of an earlier run that this run
    could not make is removed, so that the folder never holds a PDF of other figures."""
    temporary: dict[Path, Path] = {}
    try:
        for path, data in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            temporary[path] = Path(tmp)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o644)
    except BaseException:
        for tmp in temporary.values():
            tmp.unlink(missing_ok=True)
        raise
    for path, tmp in temporary.items():
        os.replace(tmp, path)
    for path in stale:
        path.unlink(missing_ok=True)


def describe(result: AnnexResult) -> list[str]:
    """What `autonomy annex` prints: the envelope, its split, the three files."""
    a = result.annex
    lines = [
        f"Annex of the {a.year} envelope of {format_plain(a.amount_eur, 2)} € for département {a.department_code}: "
        f"{len(a.rows)} SAD split on their {a.basis_year} APA hours from the FAP exports "
        f"({a.totals.cents_adjusted} cent(s) placed by largest remainder); TOTAL {format_plain(a.totals.allocated_eur, 2)} €.",
        f"  {result.docx}",
        f"  {result.txt}",
    ]
    lines.append(f"  {result.pdf}" if result.pdf else f"  {result.pdf_missing}")
    return lines
