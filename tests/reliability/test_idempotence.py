"""Two consecutive refreshes on the same inputs give identical marts and identical reports, apart
from the refresh's own date and run id."""

import duckdb
import pytest
from refresh_helpers import normalised, table_hashes

# Every column of every mart, as before the shared helper; the history apart: a change log.
MARTS = {"skip": frozenset({"marts.reconciliation_history"}), "schema": "marts", "every_column": True}


def history_rows(warehouse) -> tuple[int, int]:
    """(rows, runs) of marts.reconciliation_history."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute("SELECT count(*), count(DISTINCT run_id) FROM marts.reconciliation_history").fetchone()
    finally:
        con.close()


@pytest.mark.slow
def test_two_refreshes_give_identical_marts_and_reports(published, published_again):
    """published: the session's refresh; published_again: a copy of it refreshed a second time."""
    again, summary = published_again
    first_marts = table_hashes(published.warehouse, **MARTS)
    first_history = history_rows(published.warehouse)
    first_reports = {p.name: p.read_text(encoding="utf-8") for p in sorted(published.reports.glob("*.html"))}
    assert summary.published, summary.render()
    assert table_hashes(again.warehouse, **MARTS) == first_marts
    # the history is a change log: a refresh that changes no result records nothing
    assert history_rows(again.warehouse) == first_history
    assert len(first_marts) >= 14
    second_reports = {p.name: p.read_text(encoding="utf-8") for p in sorted(again.reports.glob("*.html"))}
    assert sorted(second_reports) == sorted(first_reports) and first_reports
    for name, text in first_reports.items():
        assert normalised(second_reports[name]) == normalised(text), name
