"""Bad deliberations and catalogue entries are refused with a message naming file, line, column
and value, and nothing is published: the previous warehouse stays byte-identical."""

import re

import pytest
import yaml
from conftest import DOC_001, DOC_002, replace_line, run_step, update_manifest_hash

from dagster_project.core.errors import CatalogueError, ManifestError
from dagster_project.refresh import run_refresh
from dagster_project.sources.deliberations.raw_layer import read_deliberations


def _read(paths):
    return read_deliberations(paths.deliberations, paths.deliberations / "catalogue.yml")


def _edit_catalogue(paths, table_id, **changes):
    path = paths.deliberations / "catalogue.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for entry in data["tables"] + data["prose"]:
        if entry["table_id"] == table_id:
            entry.update(changes)
            break
    else:
        raise AssertionError(table_id)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _edit_figure(paths, figure_id, **changes):
    path = paths.deliberations / "catalogue.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for group in data["prose"]:
        for figure in group["figures"]:
            if figure["figure_id"] == figure_id:
                figure.update(changes)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_changed_byte_is_refused(paths):
    replace_line(paths.deliberations / f"{DOC_002}.txt", 92, "23 596,00", "23 597,00")
    with pytest.raises(ManifestError) as info:
        _read(paths)
    message = str(info.value)
    assert f"{DOC_002}.txt" in message
    assert "sha256 is" in message and "manifest records cc650a8e" in message
    assert "update its sha256 in manifest.yml" in message


def test_missing_anchor_is_refused(paths):
    # The header of the FAP annex loses a column title: its anchor is gone.
    replace_line(paths.deliberations / f"{DOC_002}.txt", 91, "\tSAD\t", "\tService\t")
    update_manifest_hash(paths.deliberations, DOC_002)
    with pytest.raises(CatalogueError) as info:
        _read(paths)
    error = info.value
    assert (error.file.endswith(f"{DOC_002}.txt"), error.line) == (True, 91)
    assert "table 'fap_annex': its header (the table's anchor) is not at line 91" in str(error)
    assert "a similar header starts at line 91 but its columns differ" in str(error)
    assert error.value.startswith("Ville\tService\t")


def test_moved_table_says_where_it_now_is(paths):
    _edit_catalogue(paths, "hdf_adults", header_line=300, last_line=306)
    with pytest.raises(CatalogueError) as info:
        _read(paths)
    assert "it is printed at line 302: update header_line and last_line" in str(info.value)


def test_prose_quote_not_at_its_line(paths):
    _edit_figure(paths, "admr_hours_2024", line=205)
    with pytest.raises(CatalogueError) as info:
        _read(paths)
    error = info.value
    assert (error.line, error.file.endswith(f"{DOC_002}.txt")) == (205, True)
    assert "figure 'admr_hours_2024': quote 'total de 1 147 837 heures pour les 25 associations' not found at its line" in str(
        error
    )
    assert "the quote is printed at line 207" in str(error)


def test_non_numeric_cell_names_line_column_value(paths):
    replace_line(paths.deliberations / f"{DOC_001}.txt", 296, "15 328", "15 32B")
    update_manifest_hash(paths.deliberations, DOC_001)
    with pytest.raises(CatalogueError) as info:
        _read(paths)
    error = info.value
    assert (error.line, error.column, error.value) == (296, "allocataires AEEH 0-19 ans", "15 32B")
    assert re.search(r"001_ce3718776857736d\.txt, line 296, column 'allocataires AEEH 0-19 ans'", str(error))


def test_entry_past_end_of_file(paths):
    _edit_catalogue(paths, "nord_budget_2023", header_line=1705, last_line=1800)
    with pytest.raises(CatalogueError) as info:
        _read(paths)
    assert "ends at line 1800, past the end of the document (1712 lines)" in str(info.value)


def _break(published_copy, case):
    doc = published_copy.deliberations / f"{DOC_002}.txt"
    if case == "changed_byte":
        replace_line(doc, 100, "35 825,00", "35 826,00")
    elif case == "missing_anchor":
        replace_line(doc, 91, "Ville\t", "Commune\t")
        update_manifest_hash(published_copy.deliberations, DOC_002)
    else:
        _edit_figure(published_copy, "envelope_2025_decision_eur", line=53)


@pytest.mark.parametrize("case", ["changed_byte", "missing_anchor", "misplaced_quote"])
def test_the_deliberations_step_refuses_and_publishes_nothing(published_copy, case):
    """The refresh's deliberations step alone (what refuses these inputs)."""
    before = published_copy.warehouse.read_bytes()
    _break(published_copy, case)
    summary = run_step("deliberations")
    assert not summary.published
    assert any(step.startswith("deliberations:") and DOC_002 in step for step in summary.failed_steps), summary.render()
    assert "nothing was published" in summary.render()
    assert published_copy.warehouse.read_bytes() == before


@pytest.mark.e2e
def test_refresh_publishes_nothing(published_copy):
    """End to end, once: the whole refresh refuses, the warehouse and reports stay byte-identical."""
    case = "changed_byte"
    before = published_copy.warehouse.read_bytes()
    reports_before = {p.name: p.read_bytes() for p in published_copy.reports.glob("*.html")}
    _break(published_copy, case)
    summary = run_refresh()
    assert not summary.published
    assert any(step.startswith("deliberations:") and DOC_002 in step for step in summary.failed_steps), summary.render()
    assert "nothing was published" in summary.render()
    assert published_copy.warehouse.read_bytes() == before
    assert reports_before and {p.name: p.read_bytes() for p in published_copy.reports.glob("*.html")} == reports_before


# ------------------------------------------------------------------ document kinds (issue 20)
def test_the_home_departement_must_be_a_cog_code(paths, monkeypatch):
    monkeypatch.setenv("AUTONOMY_DEPARTMENT_CODE", "99")
    summary = run_step("deliberations")
    assert not summary.published
    (failure,) = [f for f in summary.failed_steps if f.startswith("deliberations")]
    assert "column 'AUTONOMY_DEPARTMENT_CODE': AUTONOMY_DEPARTMENT_CODE is not a département of the COG" in failure
    assert "(value '99')" in failure


def test_a_catalogue_entry_is_refused_naming_its_line_in_the_catalogue(paths):
    path = paths.deliberations / "catalogue.yml"
    text = path.read_text(encoding="utf-8")
    line = text.split("\n").index("  - table_id: fap_annex") + 1
    path.write_text(text.replace("    kind: sad_envelope_annex\n", "    kind: envelope_annex\n", 1), encoding="utf-8")
    with pytest.raises(CatalogueError) as refused:
        _read(paths)
    assert refused.value.file == str(path) and refused.value.line == line
    assert "table 'fap_annex': unknown kind 'envelope_annex'; expected one of:" in str(refused.value)
    assert "sad_envelope_annex" in str(refused.value)


def test_the_manifest_lists_what_is_loaded(paths):
    """Catalogue entries of a document the manifest does not list are ignored; a listed document
    that is missing is refused, naming it."""
    manifest = paths.deliberations / "manifest.yml"
    data = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    data["documents"] = [d for d in data["documents"] if d["document_id"] == DOC_002]
    manifest.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    load = _read(paths)
    assert [d.document_id for d in load.documents] == [DOC_002]
    assert sorted(load.tables) == ["budget_decision_2025_541", "budget_report_2025_541", "fap_annex"]
    (paths.deliberations / f"{DOC_002}.txt").unlink()
    with pytest.raises(ManifestError, match="declared in the manifest but the file is missing") as refused:
        _read(paths)
    assert refused.value.file.endswith(f"{DOC_002}.txt")


def test_no_deliberation_at_all_is_valid(paths):
    for path in paths.deliberations.iterdir():
        path.unlink()
    load = _read(paths)
    assert load.documents == [] and load.tables == {} and load.prose == {}
