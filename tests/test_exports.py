"""CSV exports of the reports (issue 14): two forms per table, read back with the csv module and
compared with the marts, the masked counts, and the links of index.html and the owning reports."""

import csv
import html
import io
import re
from decimal import Decimal

import pytest

from dagster_project.reports import activite_sad, indicateurs, queries
from dagster_project.reports.catalog import REPORTS
from dagster_project.reports.export_format import Column, Masked, csv_bytes, data_cell, printed_cell

pytestmark = pytest.mark.e2e

BOM = b"\xef\xbb\xbf"
# base name -> report it belongs to: the naming rule of the docs (<report>_<table>[_imprime].csv)
EXPORTS = {
    "enveloppe_repartition_2025": "enveloppe",
    "indicateurs_taux": "indicateurs",
    "activite_sad_heures": "activite_sad",
    "activite_sad_beneficiaires_fap": "activite_sad",
    "activite_sad_fap_mois": "activite_sad",
    "compensations_annexes": "compensations",
    "etablissements_prix": "etablissements",
    "etablissements_distribution": "etablissements",
    "etablissements_mdph": "etablissements",
}
EUROS = re.compile(r"^\d{1,3}( \d{3})*,\d{2} €$")  # 887 490,00 €, as the deliberation prints
DATA_NUMBER = re.compile(r"^-?\d+(,\d+)?$")  # 887490,00: no thousands separator, decimal comma
POINT_DECIMAL = re.compile(r"^-?\d+\.\d+$")


def _rows(raw: bytes) -> list[list[str]]:
    assert raw.startswith(BOM)
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))


def _read(published, name: str) -> list[list[str]]:
    return _rows((published.reports / name).read_bytes())


def _dec(text: str) -> Decimal:
    assert DATA_NUMBER.match(text), text
    return Decimal(text.replace(",", "."))


def _split_printed(rows: list[list[str]]) -> tuple[list[str], list[list[str]], str]:
    """(header, body with TOTAL, source line): the source follows one blank row."""
    assert rows[-2] == [] and len(rows[-1]) == 1 and rows[-1][0].startswith("Source : "), rows[-2:]
    return rows[0], rows[1:-2], rows[-1][0]


def test_every_export_is_written_in_both_forms_for_a_french_spreadsheet(published):
    for base in EXPORTS:
        for name in (f"{base}.csv", f"{base}_imprime.csv"):
            raw = (published.reports / name).read_bytes()
            assert raw.startswith(BOM), name
            assert raw.count(b"\n") == raw.count(b"\r\n") > 1, name  # CRLF only
            text = raw.decode("utf-8-sig")  # strict: any invalid byte fails
            assert "Ã" not in text and "\ufffd" not in text, name  # no mojibake
            rows = _rows(raw)
            widths = {len(r) for r in rows if r and not r[0].startswith("Source : ")}
            assert widths == {len(rows[0])} and len(rows[0]) > 2, (name, widths)  # `;`-separated, rectangular
            assert not [c for r in rows for c in r if POINT_DECIMAL.match(c)], name  # never a decimal point
        data = _read(published, f"{base}.csv")
        assert all(r and not r[0].startswith("Source") for r in data), base  # data: records only


def test_envelope_annex_data_equals_the_mart_to_the_cent(published, published_con):
    rows = _read(published, "enveloppe_repartition_2025.csv")
    header, body = rows[0], rows[1:]
    assert header[:2] == ["Ville", "SAD"] and header[-2:] == ["Document", "Ligne du document"]
    expected = published_con.execute(
        "SELECT coalesce(city, ''), sad_name, hours_basis, share_pct, amount_published_eur, amount_computed_eur, "
        "document_id, source_line FROM marts.envelope_allocations WHERE envelope_id = '62_2025' "
        "AND department_code = '62' ORDER BY source_line"
    ).fetchall()
    assert len(body) == len(expected) == 36
    for row, (city, sad, hours, share, published_eur, computed_eur, document, line) in zip(body, expected, strict=True):
        assert row[:2] == [city, sad]
        assert (_dec(row[2]), _dec(row[3]), _dec(row[4]), _dec(row[5])) == (hours, share, published_eur, computed_eur)
        assert row[4].count(",") == 1 and len(row[4].split(",")[1]) == 2  # to the cent, not a float's digits
        assert (row[7], int(row[8])) == (document, line)
    assert sum(_dec(r[4]) for r in body) == Decimal("887490.00")


def test_envelope_annex_as_printed_is_the_deliberation_layout(published, published_con):
    header, body, source = _split_printed(_read(published, "enveloppe_repartition_2025_imprime.csv"))
    assert header == [
        "Ville",
        "SAD",
        "Activité APA 2024 (sur 12 mois en heures)",
        "Répartition de l'activité 2024 (en %)",
        "Répartition de l'enveloppe 2025 publiée (en €)",
        "Répartition de l'enveloppe 2025 recalculée (en €)",
        "Écart recalculé − publié (en €)",
    ]
    assert body[0] == ["LONGUEUESSE", "AADCMO", "23 596,00", "0,55%", "4 848,06 €", "4 848,06 €", "0,00 €"]
    assert body[-1] == ["", "TOTAL", "4 319 502,00", "100,00%", "887 490,00 €", "887 490,00 €", ""]
    assert all(EUROS.match(r[4]) for r in body)
    [(total_line,)] = published_con.execute(
        "SELECT published_total_source_line FROM marts.envelopes WHERE envelope_kind = 'published' AND year = 2025"
    ).fetchall()
    assert "délibération n°2025-541" in source and f"à {total_line}" in source  # the SAD lines and the TOTAL line


def test_compensation_annexes_data_equals_the_mart(published, published_con):
    """The default (Pas-de-Calais) has no such annex: the file holds the Nord's, the département
    de comparaison the page shows, every row of its four annexes."""
    rows = _read(published, "compensations_annexes.csv")
    assert rows[0][:2] == ["Département", "Annexe"]
    expected = published_con.execute(
        "SELECT department_name, annex_title_fr, amount_eur, elderly_pa_eur, disabled_ph_eur, document_id, source_line, is_total "
        "FROM marts.rpt_compensations__annex_rows WHERE NOT is_home_department ORDER BY annex_order, is_total, source_line"
    ).fetchall()
    assert len(rows) - 1 == len(expected) == 157
    for row, (department, title, amount, pa, ph, document, line, is_total) in zip(rows[1:], expected, strict=True):
        assert row[:2] == [department, title]
        cells = [None if c == "" else _dec(c) for c in row[7:10]]
        assert cells == [amount, pa, ph]
        assert (row[10], int(row[11]), row[6]) == (document, line, "oui" if is_total else "non")
    _, body, source = _split_printed(_read(published, "compensations_annexes_imprime.csv"))
    assert all(EUROS.match(c) for r in body for c in r[7:10] if c)
    assert "DirA/2023/415" in source


def test_rate_table_carries_numerators_denominators_and_lines(published, published_con):
    rows = _read(published, "indicateurs_taux.csv")
    header = rows[0]
    index = {h: i for i, h in enumerate(header)}
    by_key = {(r[index["Code du taux"]], r[index["Code territoire"]]): r for r in rows[1:]}
    expected = published_con.execute(
        "SELECT rate_code, territory_code, numerator, denominator, value_computed, numerator_source_lines "
        "FROM marts.indicator_rates WHERE value_computed IS NOT NULL"
    ).fetchall()
    assert expected and len(rows) - 1 == published_con.execute("SELECT count(*) FROM marts.indicator_rates").fetchone()[0]
    for code, territory, numerator, denominator, value, lines in expected:
        row = by_key[(code, territory)]
        cells = [row[index[h]] for h in ("Valeur du numérateur", "Valeur du dénominateur", "Taux recalculé")]
        assert [None if c == "" else _dec(c) for c in cells] == [numerator, denominator, value]
        assert row[index["Lignes du numérateur"]] == " ".join(map(str, lines))


def test_fap_months_data_equals_the_mart(published, published_con):
    rows = _read(published, "activite_sad_fap_mois.csv")
    expected = published_con.execute(
        # summed here from the per-SAD mart, independently of the rpt model the export reads
        "SELECT month, sum(hours_billed) FILTER (WHERE prestation = 'APA'), sum(hours_billed) FILTER (WHERE prestation = 'PCH'), "
        "sum(hours_billed) FILTER (WHERE prestation = 'ASG'), sum(hours_billed), sum(amount_eur) "
        "FROM marts.fap_hours_by_sad_month WHERE department_code = '62' AND month LIKE '2024-%' GROUP BY month ORDER BY month"
    ).fetchall()
    assert len(rows) - 1 == len(expected) == 12
    for row, (month, *figures) in zip(rows[1:], expected, strict=True):
        assert row[0] == month and row[6] == f"fap_{month}.csv"
        assert [_dec(c) for c in row[1:6]] == figures
    _, body, _ = _split_printed(_read(published, "activite_sad_fap_mois_imprime.csv"))
    assert body[0][0] == "janvier 2024" and EUROS.match(body[0][5])


def test_small_counts_are_masked_in_both_forms_as_in_the_report(published, published_con):
    data = _read(published, "activite_sad_beneficiaires_fap.csv")
    _, printed, _ = _split_printed(_read(published, "activite_sad_beneficiaires_fap_imprime.csv"))
    expected = published_con.execute(
        "SELECT sad_name, beneficiaries_all, beneficiaries_apa, beneficiaries_pch, beneficiaries_asg "
        "FROM marts.rpt_activite_sad__fap_beneficiaries WHERE month = '2024-12' AND department_code = '62' ORDER BY display_rank"
    ).fetchall()
    primary = secondary = 0
    for d, p, (sad, *counts) in zip(data[1:], printed, expected, strict=True):
        assert d[0] == p[0] == sad
        in_row = 0
        for dc, pc, count in zip(d[3:7], p[3:7], counts, strict=True):
            if 0 < count < 5:
                primary += 1
                in_row += 1
                assert dc == pc == "masqué (< 5)"
            elif dc == "masqué":  # secondary suppression: a cell that would give a masked one back
                secondary += 1
                in_row += 1
                assert pc == "masqué" and count >= 5
            else:
                assert int(dc) == count and pc.replace(" ", "") == str(count)
        # never one masked cell alone in a row: "toutes prestations" and the other two would give it back
        assert in_row != 1, (sad, d[3:7])
    assert primary > 0 and secondary > 0
    page = (published.reports / "activite_sad.html").read_text(encoding="utf-8")
    section = page[page.index('id="fap_beneficiaires_par_sad"') :]
    section = section[: section.index("</section>")]
    # the report's table masks the same cells
    assert section.count('<td class="num">masqué (&lt; 5)</td>') == primary
    assert section.count('<td class="num">masqué</td>') == secondary


def test_a_higher_threshold_masks_more_cells_in_the_exports(published_con):
    report = activite_sad.build(published_con, threshold=100)
    rows = _rows(report.files["activite_sad_beneficiaires_fap.csv"])
    counts = published_con.execute(
        "SELECT beneficiaries_all, beneficiaries_apa, beneficiaries_pch, beneficiaries_asg "
        "FROM marts.rpt_activite_sad__fap_beneficiaries WHERE month = '2024-12' AND department_code = '62' ORDER BY display_rank"
    ).fetchall()
    for row, values in zip(rows[1:], counts, strict=True):
        for cell, count in zip(row[3:7], values, strict=True):
            if 0 < count < 100:
                assert cell == "masqué (< 100)"
            else:  # shown, or masked so that no masked count can be recomputed from its row
                assert cell in (str(count), "masqué")
        assert sum(cell.startswith("masqué") for cell in row[3:7]) != 1, row


def test_index_and_owning_report_link_every_file(published, published_con):
    index = (published.reports / "index.html").read_text(encoding="utf-8")
    place = queries.territory(published_con)
    titles = {spec.slug: spec.title_for(place) for spec in REPORTS}
    assert "<h2>Téléchargements</h2>" in index
    names = sorted(p.name for p in published.reports.glob("*.csv"))
    assert {f"{b}.csv" for b in EXPORTS} | {f"{b}_imprime.csv" for b in EXPORTS} <= set(names)
    for name in names:
        owner = next(report for base, report in {**EXPORTS, "comparaisons_taux": "comparaisons"}.items() if name.startswith(base))
        page = (published.reports / f"{owner}.html").read_text(encoding="utf-8")
        assert f'href="{name}"' in page, (name, owner)
        row = re.search(rf'<tr><td><a href="{re.escape(name)}" download>.*?</tr>', index)
        assert row, name
        rows = _read(published, name)
        records = rows[1:-2] if name.endswith("_imprime.csv") else rows[1:]
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(0))
        assert cells[1].startswith("tel qu'imprimé" if name.endswith("_imprime.csv") else "données"), cells
        assert cells[2].replace("\u202f", "") == str(len(records)), (name, cells)
        assert html.unescape(cells[3]) == titles[owner], (name, cells)
    # the links sit under the table they export
    enveloppe = (published.reports / "enveloppe.html").read_text(encoding="utf-8")
    section = enveloppe[enveloppe.index('id="repartition_2025"') :]
    assert section.index('href="enveloppe_repartition_2025.csv"') < section.index("</section>")


def test_french_excel_reads_the_accents(published):
    """Excel picks UTF-8 from the BOM; without it, it reads cp1252 and garbles « é »."""
    raw = (published.reports / "activite_sad_heures_imprime.csv").read_bytes()
    assert raw[:3] == BOM
    text = raw.decode("utf-8-sig")
    assert "Heures facturées en 2024" in text and "FÉDÉRATION ADMR DU PAS-DE-CALAIS" in text
    assert "Ã‰" in raw[3:].decode("cp1252", errors="replace")  # what a BOM-less file would show


def test_one_writer_rules():
    """The writer alone: what each form writes for each kind of value."""
    eur, pct, count = Column("Montant", "eur"), Column("Part", "pct", 2, "%"), Column("Effectif", "count")
    assert data_cell(Decimal("1234567.80"), eur) == "1234567,80"
    assert printed_cell(Decimal("1234567.80"), eur) == "1 234 567,80 €"
    assert printed_cell(Decimal("0.546267"), pct) == "0,55%" and data_cell(Decimal("0.546267"), pct) == "0,546267"
    assert data_cell(Masked("masqué (< 5)"), count) == printed_cell(Masked("masqué (< 5)"), count) == "masqué (< 5)"
    assert data_cell(None, eur) == printed_cell(None, eur) == ""
    with pytest.raises(TypeError, match="float"):
        data_cell(0.1 + 0.2, eur)
    assert csv_bytes([["a;b", "é"], ["1,5"]]) == BOM + html.unescape('"a;b";é\r\n1,5\r\n').encode("utf-8")


def test_rates_on_few_people_are_masked_and_rates_of_rates_are_not(published_con):
    report = indicateurs.build(published_con, threshold=1000)
    rows = _rows(report.files["indicateurs_taux.csv"])
    index = {h: i for i, h in enumerate(rows[0])}
    by_key = {(r[index["Code du taux"]], r[index["Code territoire"]]): r for r in rows[1:]}
    rates = published_con.execute(
        "SELECT rate_code, territory_code, formula, unit, numerator, denominator FROM marts.indicator_rates"
    ).fetchall()
    masked = kept_small_growth = 0
    for code, territory, formula, unit, numerator, denominator in rates:
        row = by_key[(code, territory)]
        people = numerator if unit in ("pct", "per_1000", "ratio") else denominator if unit == "eur_per_beneficiary" else None
        small = formula == "ratio" and people is not None and 0 < people < 1000
        hidden = [row[index[h]] for h in ("Valeur du numérateur", "Taux recalculé", "Taux publié")]
        assert (hidden == ["masqué (< 1000)"] * 3) is small, (code, territory, hidden)
        masked += small
        kept_small_growth += formula == "growth" and numerator is not None and numerator < 1000
    assert masked > 0 and kept_small_growth > 0  # a growth rate divides rates: nothing to mask


def test_sad_hours_data_equals_the_annex_mart_and_printed_ends_with_its_total(published, published_con):
    rows = _read(published, "activite_sad_heures.csv")
    expected = published_con.execute(
        "SELECT sad_name, hours_billed, document_id, source_line FROM marts.sad_activity "
        "WHERE department_code = '62' AND hours_source = 'fap_annex' AND year = 2024 ORDER BY hours_billed DESC, sad_name"
    ).fetchall()
    assert len(rows) - 1 == len(expected) == 36
    assert sum(_dec(r[3]) for r in rows[1:]) == Decimal("4319502.00")
    by_name = {r[1]: r for r in rows[1:]}
    for name, hours, document, line in expected:
        assert (_dec(by_name[name][3]), by_name[name][6], int(by_name[name][7])) == (hours, document, line)
    _, body, source = _split_printed(_read(published, "activite_sad_heures_imprime.csv"))
    assert body[-1] == ["", "TOTAL", "", "4 319 502,00", "100,00%", ""]
    assert "lignes 92 à 128" in source  # the SAD rows and the printed TOTAL line
