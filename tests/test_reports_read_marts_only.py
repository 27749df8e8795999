"""Marts are the interface: the reports, the what-if and the notebook read the schema `marts`
(its marts and the rpt_ models made for them in dbt), never staging, raw or intermediate tables,
and never join tables on printed text. A source scan: it fails as soon as such SQL comes back."""

import json
import re
from pathlib import Path

from conftest import PROJECT

REPORTS = PROJECT / "dagster_project" / "reports"
NOTEBOOK = PROJECT / "notebooks" / "analyse.ipynb"

# a table of a schema the consumers must not read: staging.x, raw.x, intermediate.x (any case,
# quoted or not), whether in SQL or in a FROM built by an f-string
FORBIDDEN_SCHEMA = re.compile(r"""\b(staging|raw|intermediate)\s*\.\s*["`]?[A-Za-z_{]""", re.IGNORECASE)
# a join condition on printed names: sad_name = ..., city IS NOT DISTINCT FROM ..., ... = x.city
TEXT_JOIN = re.compile(r"""\b(sad_name|city)\s*(=|IS\s+NOT\s+DISTINCT\s+FROM)\s*\w+\.(sad_name|city)\b""", re.IGNORECASE)


def _sources() -> dict[str, str]:
    texts = {str(p.relative_to(PROJECT)): p.read_text(encoding="utf-8") for p in sorted(REPORTS.glob("*.py"))}
    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    texts["notebooks/analyse.ipynb"] = "\n".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code")
    return texts


def test_the_scan_sees_every_consumer():
    names = set(_sources())
    assert {"dagster_project/reports/queries.py", "dagster_project/reports/whatif.py", "dagster_project/reports/whatif_cli.py",
            "notebooks/analyse.ipynb"} <= names  # fmt: skip


def test_the_patterns_catch_what_they_forbid():
    assert FORBIDDEN_SCHEMA.search("SELECT * FROM staging.stg_fap__files")
    assert FORBIDDEN_SCHEMA.search("LEFT JOIN raw.document_lines l")
    assert FORBIDDEN_SCHEMA.search('FROM "intermediate"."int_sad_hours"'.replace('"intermediate"', "intermediate"))
    assert FORBIDDEN_SCHEMA.search("FROM staging.{model}")
    assert not FORBIDDEN_SCHEMA.search("SELECT * FROM marts.rpt_enveloppe__allocations")
    assert TEXT_JOIN.search("ON a.sad_name = e.sad_name AND a.city IS NOT DISTINCT FROM e.city")
    assert not TEXT_JOIN.search("ON l.document_id = c.document_id AND l.source_line = c.source_line")


def test_no_consumer_reads_staging_raw_or_intermediate_tables():
    offending = {
        name: [m.group(0) for m in FORBIDDEN_SCHEMA.finditer(text)]
        for name, text in _sources().items()
        if FORBIDDEN_SCHEMA.search(text)
    }
    assert offending == {}, "read marts (or an rpt_ model in dbt/models/reports/) instead"


def test_no_consumer_joins_on_printed_sad_names_or_cities():
    offending = {
        name: [m.group(0) for m in TEXT_JOIN.finditer(text)] for name, text in _sources().items() if TEXT_JOIN.search(text)
    }
    assert offending == {}, "join SAD marts in dbt, on sad_key"


def test_the_department_is_one_setting(monkeypatch):
    from dagster_project.settings import get_settings

    monkeypatch.delenv("AUTONOMY_DEPARTMENT_CODE", raising=False)
    assert get_settings().department_code == "62"
    monkeypatch.setenv("AUTONOMY_DEPARTMENT_CODE", "59")
    assert get_settings().department_code == "59"


def _string_literals(path: Path) -> list[str]:
    """The strings a module's code uses (docstrings and comments left out)."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and node.body
        and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)
    }  # fmt: skip
    return [
        n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings
    ]


# a territory, a document or an annex named in code or report text: names come from the marts
# (rpt_reports__territories, documents), annex titles from the catalogue through the marts
NAMED = re.compile(
    r"Pas-de-Calais|Hauts-de-France|\bNord\b|2025-541|2026-150|2025-53\b|2023-331|DirA|\b(pdc|nord)_\w+|\bannexe\s+\d",
    re.IGNORECASE,
)


def test_the_names_scan_catches_what_it_forbids():
    for text in ("Pas-de-Calais", "l'annexe 1 de la délibération", "délibération n°2025-541", "pdc_2025", "Département du Nord"):
        assert NAMED.search(text), text
    for text in ("nordique", "Annexe", "les annexes", "2025", "rpt_compensations__annex_rows"):
        assert not NAMED.search(text), text


def test_report_code_names_no_territory_the_marts_name():
    """Which département a report is about is AUTONOMY_DEPARTMENT_CODE; its name, its région and
    the comparison territories come from the marts (rpt_reports__territories), documents from
    marts.documents, annex titles from the marts: no code string names one."""
    literal = re.compile(r"^(62|59|32|R32|FR)$")
    offending = {
        p.name: hits
        for p in sorted(REPORTS.glob("*.py"))
        if (hits := [s for s in _string_literals(p) if literal.search(s) or NAMED.search(s)])
    }
    assert offending == {}


def test_the_notebook_names_no_territory_or_document():
    """The notebook answers for the département of the published file: neither its code nor its
    text (markdown included) names one, nor a document."""
    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    hits = [m.group(0) for c in notebook["cells"] for m in NAMED.finditer("".join(c["source"]))]
    assert hits == []
    code = "\n".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code")
    assert not re.search(r"'(62|59|33)'", code)


def _content(report) -> tuple:
    charts = [(c.chart_id, c.title, c.figure.to_json(), c.notes, c.table, c.downloads) for c in report.charts]
    return (
        report.title,
        report.intro,
        report.headline,
        report.missing,
        report.extra_html,
        report.closing_html,
        charts,
        report.files,
    )


def test_each_report_reads_only_the_marts_it_declares(published):
    """`ReportSpec.reads` is what decides which reports a partial refresh rewrites (incremental.py:
    a report is rewritten when a mart it reads is rebuilt), so it must be complete: each report,
    built on a connection where only its declared tables (and meta.refresh) exist, is the report
    built on the whole published file, chart for chart. A table read but not declared fails here."""
    import duckdb

    from dagster_project.reports.catalog import built_reports

    specs = [s for s in built_reports() if s.build is not None]
    assert len(specs) == 7
    whole = duckdb.connect(str(published.warehouse), read_only=True)
    try:
        for spec in specs:
            declared = duckdb.connect()
            try:
                declared.execute(f"ATTACH '{published.warehouse}' AS published (READ_ONLY)")
                for key in (*spec.reads, "meta/refresh"):
                    schema, table = key.split("/")
                    declared.execute(f"CREATE SCHEMA IF NOT EXISTS memory.{schema}")
                    declared.execute(f"CREATE VIEW memory.{schema}.{table} AS SELECT * FROM published.{schema}.{table}")
                declared.execute("USE memory")
                assert _content(spec.build(declared, 5)) == _content(spec.build(whole, 5)), spec.slug
            finally:
                declared.close()
    finally:
        whole.close()
