"""Every asset check the UI lists has a description a data engineer can act on: the checks built
from dbt tests say what is tested, on which table and column, and what a failure means; the
reconciliation checks keep their own."""

import json

import pytest
from conftest import PROJECT

MANIFEST = PROJECT / "dbt" / "target" / "manifest.json"


@pytest.fixture(scope="module")
def checks():
    from dagster_project.definitions import defs

    repo = defs.get_repository_def()
    return {spec.key.to_user_string(): spec for assets_def in repo.asset_graph.assets_defs for spec in assets_def.check_specs}


@pytest.fixture(scope="module")
def dbt_tests():
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    nodes = manifest["nodes"]
    return manifest, {name: node for name, node in nodes.items() if node["resource_type"] == "test"}


def test_every_check_has_a_description(checks):
    missing = sorted(name for name, spec in checks.items() if not (spec.description and len(spec.description) > 30))
    assert missing == []


def test_dbt_test_checks_name_the_table_the_column_and_the_consequence(checks, dbt_tests):
    manifest, tests = dbt_tests
    by_name = {name.split(":", 1)[1]: spec for name, spec in checks.items()}
    described = 0
    for test in tests.values():
        spec = by_name.get(test["name"])
        if spec is None:
            continue
        node = manifest["nodes"][test.get("attached_node") or test["depends_on"]["nodes"][0]]
        table = f"{node['schema']}.{node.get('alias') or node['name']}"
        text = spec.description
        assert table in text, (test["name"], text)
        kind = (test.get("test_metadata") or {}).get("name")
        kwargs = (test.get("test_metadata") or {}).get("kwargs", {})
        if kwargs.get("column_name"):
            assert kwargs["column_name"] in text, (test["name"], text)
        if kind == "relationships":
            assert kwargs["field"] in text and kwargs["to"].split("'")[1] in text, text
        if kind == "accepted_values":
            assert all(f"'{v}'" in text for v in kwargs["values"][:12]), text
        if kind == "unique_combination":
            assert ", ".join(kwargs["columns"]) in text, text
        assert "Fails when" in text or "Fails on" in text, text
        severity = test["config"]["severity"].lower()
        assert ("Severity warn" in text) == (severity == "warn"), text
        described += 1
    assert (
        described == len(tests) == 311
    )  # each dbt test of the project is a check in the UI (the document kinds' staging models have one each)


def test_a_not_null_check_reads_as_a_sentence(checks):
    text = checks["staging/stg_deliberations__documents:not_null_stg_deliberations__documents_sha256"].description
    assert text.startswith(
        "Every row of staging.stg_deliberations__documents has a value in column sha256 (sha256: SHA-256 of the file"
    )
    assert "Fails when some rows have sha256 empty (NULL)" in text
    assert text.endswith(
        "Severity error: a failure fails dbt build (the models downstream are skipped) and nothing is published."
    )


def test_the_singular_dbt_test_is_described_by_its_leading_comment(checks):
    text = checks["marts/cpom_advance_rules:assert_cpom_advance_rules"].description
    assert text.startswith("The CPOM advance macros against the rule's own thresholds")
    assert "tests/assert_cpom_advance_rules.sql" in text


def test_reconciliation_checks_keep_their_descriptions(checks):
    from dagster_project.checks import definitions as reconciliation

    specs = [spec for assets_def in reconciliation.defs.assets or [] for spec in getattr(assets_def, "check_specs", [])]
    specs += [spec for checks_def in reconciliation.defs.asset_checks or [] for spec in checks_def.check_specs]
    assert specs
    for spec in specs:
        assert checks[spec.key.to_user_string()].description == spec.description
