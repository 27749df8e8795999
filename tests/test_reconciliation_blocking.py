"""When our figures disagree with the document, the error-severity check blocks publishing."""

import pytest
from conftest import DOC_002, replace_line, update_manifest_hash

from dagster_project.refresh import run_refresh

pytestmark = pytest.mark.e2e


@pytest.mark.slow
def test_altered_sad_hours_block_publishing(published_deployment):
    tree = published_deployment[0]  # the session's deployment, copied: this refresh is a partial one
    before = tree.warehouse.read_bytes()
    # One SAD's hours in a copy of the annex: our allocation no longer reproduces the printed amounts.
    replace_line(tree.deliberations / f"{DOC_002}.txt", 100, "35 825,00", "36 825,00")
    update_manifest_hash(tree.deliberations, DOC_002)
    summary = run_refresh()
    rendered = summary.render()
    assert not summary.published, rendered
    blocking = [c for c in summary.failed_checks if "envelope_allocation__engine__allocation_per_sad" in c]
    assert blocking, rendered
    assert "Nos chiffres diffèrent du document : la publication est bloquée." in blocking[0]
    assert "nothing was published" in rendered
    assert tree.warehouse.read_bytes() == before
    # the document's own inconsistency (share, TOTAL) is reported as warnings, not errors
    assert any("sad_envelope_annex__total_row__columns" in w for w in summary.warnings), rendered
