"""One label per SAD in every report: the rule is made once in dbt (int_sad__labels) and every
report mart that names SAD carries it, so a federation reads the same everywhere."""

import pytest
from conftest import plain

from dagster_project.reports import activite_sad, compensations, enveloppe

pytestmark = pytest.mark.e2e
ADMR = "FÉDÉRATION ADMR DU PAS-DE-CALAIS"
# every report mart that names SAD
MARTS = (
    "rpt_activite_sad__hours",
    "rpt_activite_sad__fap_beneficiaries",
    "rpt_enveloppe__allocations",
    "rpt_enveloppe__changes",
    "rpt_compensations__annex_rows",
)


@pytest.fixture(scope="module")
def con(published_con):
    return published_con


def test_every_report_mart_gives_each_sad_one_label(con):
    union = " UNION ALL ".join(
        f"SELECT '{m}' AS mart, sad_key, sad_name, city, sad_label FROM marts.{m} WHERE sad_key IS NOT NULL" for m in MARTS
    )
    rows = con.execute(f"SELECT sad_key, list(DISTINCT sad_label), list(DISTINCT mart) FROM ({union}) GROUP BY 1").fetchall()
    assert len(rows) > 36
    assert [(key, labels) for key, labels, _ in rows if len(labels) != 1] == []
    # the rule: a federation by its number of associations (25, printed in deliberation 2025-541:
    # tests/test_reports_sad.py reads the sentence), any other SAD by its city
    labels = {key: labels[0] for key, labels, _ in rows}
    admr = [key for key, _, marts in rows if len(marts) >= 4 and labels[key].startswith(ADMR)]
    assert len(admr) == 1 and labels[admr[0]] == f"{ADMR} (25 associations)"
    # the ADMR is in the hours, the FAP beneficiaries and both envelope marts, under that one label
    assert sorted(next(m for k, _, m in rows if k == admr[0])) == sorted(MARTS[:4])
    spellings: dict = {}
    for key, name, city, label in con.execute(f"SELECT DISTINCT sad_key, sad_name, city, sad_label FROM ({union})").fetchall():
        spellings.setdefault((key, label), set()).add(f"{name} ({city})" if city else name)
    for (key, label), printed in spellings.items():
        if key != admr[0]:  # 'NAME (CITY)' as one of the sources prints it
            assert label in printed and "associations)" not in label, (key, label, printed)
    # a SAD printed with two spellings (Nord annexes: GRANDE-SYNTHE, GRANDE-SYNTHÉ) has one label
    spelled = con.execute(
        "SELECT count(DISTINCT city), count(DISTINCT sad_label) FROM marts.rpt_compensations__annex_rows WHERE sad_name = 'SPSB'"
    ).fetchone()
    assert spelled == (2, 1)


def test_the_admr_bar_reads_the_same_in_every_report(con):
    expected = f"{ADMR} (25 associations)"
    hours = activite_sad.build(con, threshold=5)
    shown = {}
    for chart in hours.charts + enveloppe.build(con, threshold=5).charts:
        for trace in chart.figure.data:
            for label in list(getattr(trace, "y", None) or []) + list(getattr(trace, "x", None) or []):
                if isinstance(label, str) and label.startswith(ADMR):
                    shown.setdefault(label, set()).add(chart.chart_id)
        if chart.table:
            for row in chart.table[1]:
                if str(row[0]).startswith(ADMR) or (len(row) > 1 and str(row[1]).startswith(ADMR)):
                    label = row[0] if str(row[0]).startswith(ADMR) else row[1]
                    shown.setdefault(plain(label), set()).add(chart.chart_id)
    assert list(shown) == [expected], shown
    assert {"heures_par_sad", "fap_beneficiaires_par_sad", "repartition_2025", "evolution_2024_2025"} <= shown[expected]
    assert "FOUQUIÈRES-LES-BÉTHUNE" not in repr([c.figure.to_dict() for c in hours.charts])
    assert compensations.build(con, threshold=5).charts  # the compensations report (Nord's annexes) builds from sad_label too
