"""Every report opened in headless Chromium: no JavaScript error, every chart drawn, the index's
links reachable, and a screenshot of each page (reports/screenshots/) for a person to look at."""

import pytest

from dagster_project.reports.browser import check_reports

pytestmark = [pytest.mark.browser, pytest.mark.e2e]
# `browser` (tests/conftest.py): decided once for the session; with CI=true the session requires it.


def test_every_report_loads_without_javascript_errors_and_draws_its_charts(published, browser):
    results = check_reports(published.reports)
    # layout: no label over another, a mark or a category name, no toolbar over content, nothing
    # clipped, for every chart at the default width (browser.WINDOW_WIDTH, 1280 px)
    outcome = {r.page: (r.drawn_charts, r.expected_charts, r.errors, r.broken_links, r.layout) for r in results}
    assert outcome == {
        "activite_sad.html": (5, 5, [], [], []),
        "comparaisons.html": (5, 5, [], [], []),
        "compensations.html": (5, 5, [], [], []),
        "enveloppe.html": (2, 2, [], [], []),
        "etablissements.html": (5, 5, [], [], []),
        "index.html": (0, 0, [], [], []),
        "indicateurs.html": (7, 7, [], [], []),
        "reconciliation.html": (1, 1, [], [], []),
    }
    for result in results:
        assert result.screenshot == published.reports / "screenshots" / result.page.replace(".html", ".png")
        data = result.screenshot.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000, result.page


def test_the_check_fails_on_a_javascript_error_an_undrawn_chart_or_a_broken_link(tmp_path, browser):
    (tmp_path / "broken.html").write_text(
        '<!DOCTYPE html><html lang="fr"><body><main data-charts="1"><div class="js-plotly-plot"></div>'
        '<a href="missing.html">lien</a></main><script>throw new Error("boom")</script></body></html>',
        encoding="utf-8",
    )
    [result] = check_reports(tmp_path, timeout=2)
    assert not result.ok
    assert (result.drawn_charts, result.expected_charts) == (0, 1)
    assert any("boom" in error for error in result.errors), result.errors
    assert result.broken_links == ["missing.html"]
    assert "FAIL broken.html" in result.render()
