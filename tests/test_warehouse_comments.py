"""The published file describes itself: every schema (meta.schemas, DuckDB cannot comment a
schema), table and column carries a comment; marts and reference columns start with their French
label ("<label_fr> — <description>"), checked against the dbt yml files they come from."""

import re
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.e2e

DBT = Path(__file__).resolve().parents[1] / "dbt"
LABELLED_SCHEMAS = ("marts", "reference")
SEPARATOR = " — "


def _yml_columns() -> dict[tuple[str, str], dict[str, dict]]:
    """(published schema, table) -> column name -> its yml entry, read from the dbt project's yml
    files: models are published in marts, seeds in reference (a model's alias names its table)."""
    aliases = {}
    for path in DBT.joinpath("models").rglob("*.sql"):
        found = re.search(r"config\([^)]*alias\s*=\s*'([^']+)'", path.read_text(encoding="utf-8"))
        if found:
            aliases[path.stem] = found.group(1)
    nodes: dict[tuple[str, str], dict[str, dict]] = {}
    for path in [*DBT.joinpath("models").rglob("*.yml"), *DBT.joinpath("seeds").rglob("*.yml")]:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for kind, schema in (("models", "marts"), ("seeds", "reference")):
            for node in document.get(kind) or []:
                table = aliases.get(node["name"], node["name"])
                nodes[(schema, table)] = {c["name"]: c for c in node.get("columns") or []}
    return nodes


def _uncommented(con, view: str, what: str) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            f"SELECT {what} FROM {view} WHERE database_name = current_database() "
            "AND (comment IS NULL OR trim(comment) = '') ORDER BY 1"
        ).fetchall()
    ]


def test_every_schema_is_described_in_meta_schemas(published_con):
    schemas = {
        r[0]
        for r in published_con.execute(
            "SELECT schema_name FROM duckdb_schemas() WHERE database_name = current_database() AND NOT internal"
        ).fetchall()
    }
    described = dict(published_con.execute("SELECT schema_name, description FROM meta.schemas").fetchall())
    assert schemas == {"raw", "staging", "intermediate", "marts", "reference", "meta"}
    assert set(described) == schemas
    assert all(len(text.strip()) > 20 for text in described.values()), described


def test_every_table_and_column_has_a_comment(published_con):
    tables = _uncommented(published_con, "duckdb_tables()", "schema_name || '.' || table_name")
    columns = _uncommented(published_con, "duckdb_columns()", "schema_name || '.' || table_name || '.' || column_name")
    assert tables == [], f"{len(tables)} tables without a comment: {tables[:20]}"
    assert columns == [], f"{len(columns)} columns without a comment: {columns[:20]}"
    counted = published_con.execute("SELECT count(*) FROM duckdb_columns() WHERE database_name = current_database()").fetchone()[
        0
    ]
    # the whole file was looked at, not an empty one (no per-table raw copies since the document
    # kinds: the cells are in raw.deliberation_cells, staged per kind)
    assert counted > 1500


def test_marts_and_reference_comments_are_the_french_label_then_the_yml_description(published_con):
    yml = _yml_columns()
    rows = published_con.execute(
        "SELECT schema_name, table_name, column_name, comment FROM duckdb_columns() "
        f"WHERE database_name = current_database() AND schema_name IN {LABELLED_SCHEMAS} ORDER BY 1, 2, 3"
    ).fetchall()
    assert len(rows) > 600
    wrong = []
    for schema, table, column, comment in rows:
        entry = yml[(schema, table)][column]
        expected = f"{entry['meta']['label_fr'].strip()}{SEPARATOR}{entry['description'].strip()}"
        if comment != expected:
            wrong.append((f"{schema}.{table}.{column}", comment, expected))
    assert wrong == [], wrong[:10]


def test_a_few_exact_comments(published_con):
    def column(schema, table, name):
        return published_con.execute(
            "SELECT comment FROM duckdb_columns() WHERE database_name = current_database() "
            "AND schema_name = ? AND table_name = ? AND column_name = ?",
            [schema, table, name],
        ).fetchone()[0]

    def table(schema, name):
        return published_con.execute(
            "SELECT comment FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = ? AND table_name = ?",
            [schema, name],
        ).fetchone()[0]

    # marts: French label from dbt/models/marts/sad/_envelopes.yml, then the English description
    assert column("marts", "envelopes", "envelope_eur") == "Montant de l'enveloppe (€) — Amount of the envelope (€)"
    assert column("marts", "reconciliation_checks", "severity").startswith("Gravité — error (our figures disagree")
    assert column("marts", "territories", "is_metropolitan") == "France métropolitaine — True for metropolitan France"
    # other layers: the description alone
    assert column("staging", "stg_deliberations__document_lines", "source_line") == "1-based line number in the raw file"
    assert column("intermediate", "int_reconciliation__verdicts", "abs_delta_micro") == (
        "|delta| in integer millionths, rounded up"
    )
    assert column("raw", "document_lines", "source_line") == "1-based line number in the raw file"
    assert column("meta", "refresh", "key").startswith("What is recorded: published_at, run_id")
    # table descriptions (folded yml, trimmed)
    assert table("marts", "reconciliation_checks").startswith("One row per reconciliation check of the latest refresh:")
    assert not table("marts", "envelopes").endswith("\n")
    assert table("raw", "documents") == "One row per deliberation, as declared in manifest.yml, with its verified sha256"


def test_lines_are_source_line_everywhere(published_con):
    assert [
        r[0]
        for r in published_con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() "
            "AND schema_name = 'raw' AND table_name = 'document_lines' ORDER BY column_index"
        ).fetchall()
    ] == ["document_id", "source_line", "text"]
    assert (
        published_con.execute(
            "SELECT count(*) FROM duckdb_columns() WHERE database_name = current_database() AND column_name = 'line_number'"
        ).fetchone()[0]
        == 0
    )
    # the raw line and the staging line are the same line: the rename kept every row in place
    assert (
        published_con.execute(
            "SELECT count(*), count(*) FILTER (WHERE r.text IS NOT DISTINCT FROM s.line_text) "
            "FROM raw.document_lines r JOIN staging.stg_deliberations__document_lines s USING (document_id, source_line)"
        ).fetchone()
        == published_con.execute("SELECT count(*), count(*) FROM raw.document_lines").fetchone()
    )


def test_reconciliation_measure_names_the_indicator_not_the_territory(published_con):
    # independently of the check models: the raw cell of each indicator check, by document and line
    rows = published_con.execute(
        """
        SELECT DISTINCT k.check_id, k.measure, c.indicator_label || ' — ' || c.column_header AS expected
        FROM marts.reconciliation_checks k
        JOIN raw.deliberation_cells c
          ON c.document_id = k.document_id AND c.source_line = k.source_line AND c.table_id = k.table_id
         AND c.indicator_code IS NOT NULL AND c.column_header NOT IN ('Indicateur', 'Source')
        WHERE k.table_id IN ('pa_indicators', 'ph_indicators')
        """
    ).fetchall()
    assert len(rows) >= 13
    assert [r for r in rows if r[1] != r[2]] == []
    # tables whose rows are territories keep their column header ('Population 20-59 ans')
    total, plain = published_con.execute(
        "SELECT count(*), count(*) FILTER (WHERE measure NOT LIKE '% — %') FROM marts.reconciliation_checks "
        "WHERE table_id IN ('hdf_adults', 'hdf_children')"
    ).fetchone()
    assert total == plain > 0
    territories = {r[0] for r in published_con.execute("SELECT territory_name FROM marts.territories").fetchall()}
    assert (
        published_con.execute(
            "SELECT count(*) FROM marts.reconciliation_checks WHERE list_contains(?, measure)", [sorted(territories)]
        ).fetchone()[0]
        == 0
    )
    # official totals: the population counted and its date, not a bare 'Ensemble, Total, 2015'
    insee = published_con.execute(
        "SELECT measure, table_id FROM marts.reconciliation_checks "
        "WHERE check_kind = 'official_total' AND document_id LIKE 'insee_population%'"
    ).fetchall()
    assert insee
    assert all(m.startswith(f"Population au 1er janvier {sheet} (") for m, sheet in insee), insee[:3]
