"""Secondary suppression: once a count under the threshold is masked, no masked cell can be
rebuilt from the visible cells and the totals a table shows. Checked against two arguments
independent of reports/disclosure.py: exhaustive enumeration of every filling of the masked cells
(small tables) and the rank of the relations (numpy, floating point) on larger ones."""

import itertools
import random

import numpy as np
import pytest

from dagster_project.reports.disclosure import disclose_table

THRESHOLD = 5


def _labels(counts):
    return [[f"r{i}c{j}" for j in range(len(row))] for i, row in enumerate(counts)]


def _row_groups(counts):
    """Each row: column 0 is the total of the others (the FAP table's shape)."""
    return [((i, 0), [(i, j) for j in range(1, len(row))]) for i, row in enumerate(counts)]


def _two_way(parts):
    """parts (r x c) -> the table with a total column (last) and a total row (last), and its groups."""
    rows, cols = len(parts), len(parts[0])
    table = [[*row, sum(row)] for row in parts]
    table.append([sum(parts[i][j] for i in range(rows)) for j in range(cols)] + [sum(map(sum, parts))])
    groups = [((i, cols), [(i, j) for j in range(cols)]) for i in range(rows + 1)]
    groups += [((rows, j), [(i, j) for i in range(rows)]) for j in range(cols + 1)]
    return table, groups


def _hidden(result):
    return {(i, j) for i, row in enumerate(result.values) for j, v in enumerate(row) if v is None}


def _feasible_values(table, groups, hidden, primary, ceiling):
    """Every value each masked cell can take: primary cells in [1, threshold), the others in
    [1, ceiling], such that every relation total = sum(parts) holds. Exhaustive."""
    cells = sorted(hidden)
    ranges = [range(1, THRESHOLD) if c in primary else range(1, ceiling + 1) for c in cells]
    seen = {c: set() for c in cells}
    for filling in itertools.product(*ranges):
        value = {(i, j): v for i, row in enumerate(table) for j, v in enumerate(row)}
        value.update(zip(cells, filling, strict=True))
        if all(value[t] == sum(value[p] for p in parts) for t, parts in groups):
            for c, v in zip(cells, filling, strict=True):
                seen[c].add(v)
    return seen


def _determined_by_rank(table, groups, hidden):
    """Masked cells whose unit vector is in the row space of the relations on masked cells."""
    cells = sorted(hidden)
    index = {c: k for k, c in enumerate(cells)}
    matrix = []
    for total, parts in groups:
        row = np.zeros(len(cells))
        for cell, sign in [(total, 1), *((p, -1) for p in parts)]:
            if cell in index:
                row[index[cell]] += sign
        matrix.append(row)
    matrix = np.array(matrix) if matrix else np.zeros((0, len(cells)))
    rank = np.linalg.matrix_rank(matrix) if len(matrix) else 0
    determined = set()
    for c, k in index.items():
        unit = np.zeros(len(cells))
        unit[k] = 1
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            determined.add(c)
    return determined


def test_a_lone_masked_prestation_takes_the_next_smallest_cell_of_its_row_with_it():
    # ALL = APA + PCH + ASG; PCH = 3 alone under the threshold: 40 - 30 - 7 would give it back
    counts = [[40, 30, 3, 7], [120, 100, 12, 8]]
    result = disclose_table(_labels(counts), counts, THRESHOLD, _row_groups(counts))
    assert result.texts[0] == ["40", "30", "masqué (< 5)", "masqué"]  # ASG 7, the smallest other cell
    assert result.texts[1] == ["120", "100", "12", "8"]
    assert result.masked == ["r0c2"] and result.secondary == ["r0c3"]
    [note] = result.note(THRESHOLD)
    assert note == (
        "Données masquées : 1 effectif inférieur à 5 (r0c2) n’est pas affiché, et les cases qui permettraient de le "
        "recalculer : 1 effectif (r0c3) masqué à son tour, au titre du secret statistique."
    )


def test_two_small_parts_whose_sum_allows_one_split_only_are_protected():
    counts = [[40, 38, 1, 1]]  # PCH + ASG = 2 with both >= 1: both are 1
    result = disclose_table(_labels(counts), counts, THRESHOLD, _row_groups(counts))
    assert _hidden(result) == {(0, 1), (0, 2), (0, 3)}
    counts = [[40, 35, 2, 3]]  # 5 = 1 + 4 = 2 + 3 = ...: nothing to add
    assert _hidden(disclose_table(_labels(counts), counts, THRESHOLD, _row_groups(counts))) == {(0, 2), (0, 3)}


def test_zeros_are_shown_and_never_taken_as_the_complementary_cell():
    counts = [[12, 0, 3, 9]]
    result = disclose_table(_labels(counts), counts, THRESHOLD, _row_groups(counts))
    assert result.texts[0] == ["12", "0", "masqué (< 5)", "masqué"]


def test_a_cell_pinned_down_through_rows_and_columns_is_protected():
    """Two masked rectangles joined by one masked cell: every row and column has two masked
    cells, yet the joining cell is determined (it is a bridge); the rank test catches it."""
    parts = [[3, 4, 20, 30], [4, 3, 25, 35], [30, 20, 3, 4], [35, 25, 4, 3]]
    table, groups = _two_way(parts)
    result = disclose_table(_labels(table), table, THRESHOLD, groups)
    hidden = _hidden(result)
    assert _determined_by_rank(table, groups, hidden) == set()


@pytest.mark.parametrize("seed", range(12))
def test_small_random_tables_no_masked_cell_has_one_possible_value(seed):
    """Exhaustive: 2 x 2 parts with their totals both ways, small counts."""
    rng = random.Random(seed)
    parts = [[rng.choice([0, 1, 2, 3, 4, 6, 7]) for _ in range(2)] for _ in range(2)]
    table, groups = _two_way(parts)
    result = disclose_table(_labels(table), table, THRESHOLD, groups)
    hidden = _hidden(result)
    primary = {(i, j) for i, row in enumerate(table) for j, v in enumerate(row) if 0 < v < THRESHOLD}
    assert primary <= hidden
    if not hidden:
        return
    ceiling = max(max(row) for row in table)
    seen = _feasible_values(table, groups, hidden, primary, ceiling)
    assert all(seen.values()), seen  # the true filling is among them
    assert {c: v for c, v in seen.items() if len(v) < 2} == {}, (table, sorted(hidden))


@pytest.mark.parametrize("seed", range(20))
def test_larger_random_tables_no_masked_cell_is_determined_by_rank(seed):
    rng = random.Random(100 + seed)
    parts = [[rng.choice([0, 1, 2, 4, 6, 9, 15, 40]) for _ in range(rng.randint(2, 5))]]
    parts += [[rng.choice([0, 1, 2, 4, 6, 9, 15, 40]) for _ in parts[0]] for _ in range(rng.randint(1, 5))]
    table, groups = _two_way(parts)
    result = disclose_table(_labels(table), table, THRESHOLD, groups)
    hidden = _hidden(result)
    assert _determined_by_rank(table, groups, hidden) == set(), (table, sorted(hidden))
    # the row-only shape of the FAP table
    rows = [[sum(r), *r] for r in parts]
    result = disclose_table(_labels(rows), rows, THRESHOLD, _row_groups(rows))
    assert _determined_by_rank(rows, _row_groups(rows), _hidden(result)) == set()


# ------------------------------------------------------------------ the reports' own tables
@pytest.mark.e2e
def test_the_fap_beneficiaries_table_masks_no_cell_a_reader_can_recompute(published_con):
    """activite_sad.html, beneficiaries per SAD: "toutes prestations" bounds APA + PCH + ASG;
    taken as their sum (the worst case), no masked cell is determined by its row."""
    from dagster_project.reports import activite_sad

    report = activite_sad.build(published_con, threshold=THRESHOLD)
    [chart] = [c for c in report.charts if c.chart_id == "fap_beneficiaires_par_sad"]
    _, rows = chart.table
    month = published_con.execute("SELECT max(month) FROM marts.rpt_activite_sad__fap_beneficiaries").fetchone()[0]
    truth = published_con.execute(
        "SELECT beneficiaries_all, beneficiaries_apa, beneficiaries_pch, beneficiaries_asg "
        "FROM marts.rpt_activite_sad__fap_beneficiaries WHERE month = ? AND department_code = '62' ORDER BY display_rank",
        [month],
    ).fetchall()
    table = [list(r) for r in truth]
    hidden = {(i, j - 1) for i, row in enumerate(rows) for j, cell in enumerate(row) if j and cell.startswith("masqué")}
    primary = {(i, j) for i, row in enumerate(table) for j, v in enumerate(row) if 0 < v < THRESHOLD}
    assert primary <= hidden and len(primary) == 13 and len(hidden) > 13
    assert _determined_by_rank(table, _row_groups(table), hidden) == set()
    # every row with a masked cell: the masked cells' sum (ALL minus the visible parts) can be split two ways
    for i, row in enumerate(table):
        masked = [j for j in range(4) if (i, j) in hidden]
        if masked and 0 not in masked:
            rest = row[0] - sum(row[j] for j in range(1, 4) if (i, j) not in hidden)
            assert len(masked) >= 2 and rest not in (len(masked), len(masked) * (THRESHOLD - 1)), (row, masked)


@pytest.mark.e2e
def test_the_official_rates_csv_masks_no_count_a_region_total_gives_back(published_con):
    """comparaisons_taux.csv: a région is the sum of its départements, France métropolitaine and
    the DROM of their régions, France of both. Before: Deux-Sèvres' 4 PCH beneficiaries of 2006
    were masked, but Nouvelle-Aquitaine's 988 minus its 11 other départements (984) gave them back."""
    import csv
    import io

    from dagster_project.reports import comparaisons

    report = comparaisons.build(published_con, threshold=THRESHOLD)
    text = report.files[comparaisons.CSV_NAME].decode("utf-8-sig")
    reader = list(csv.reader(io.StringIO(text), delimiter=";"))
    header, body = reader[0], reader[1:]
    col = {name: header.index(label) for name, label in comparaisons.CSV_COLUMNS}
    masked = {(r[col["indicator_code"]], int(r[col["year"]]), r[col["territory_code"]]) for r in body if r[-1]}
    people = published_con.execute(
        "SELECT indicator_code, year, territory_code, territory_level, region_code, "
        "CASE WHEN rate_per_1000 IS NOT NULL THEN numerator "
        "WHEN denominator_age_min IS NULL AND denominator_age_max IS NULL THEN denominator END "
        "FROM marts.official_rates"
    ).fetchall()
    tables: dict = {}
    for indicator, year, code, level, region, value in people:
        tables.setdefault((indicator, year), []).append((code, level, region, value))
    small = {(i, y, c) for (i, y), rows in tables.items() for c, _, _, v in rows if v is not None and 0 < v < THRESHOLD}
    assert small and small <= masked
    assert ("pch_per_1000_20_59", 2006, "79") in small and len(masked) > len(small)
    checked = 0
    for (indicator, year), rows in tables.items():
        hidden = {k for k, (c, *_) in enumerate(rows) if (indicator, year, c) in masked}
        if not hidden:
            continue
        table = [[v if v is not None else 0] for *_, v in rows]
        by_level: dict = {}
        for k, (_, level, region, _) in enumerate(rows):
            by_level.setdefault(level, []).append((k, region))
        groups = []
        for k, region in by_level.get("region", []):
            groups.append(((k, 0), [(d, 0) for d, r in by_level.get("department", []) if r == region]))
        overseas = {r for c, level, r, _ in rows if level == "department" and c.startswith("97")}
        for level, inside in (("metropolitan_france", False), ("overseas", True)):
            for k, _ in by_level.get(level, []):
                groups.append(((k, 0), [(r, 0) for r, region in by_level.get("region", []) if (region in overseas) == inside]))
        for k, _ in by_level.get("country", []):
            groups.append(((k, 0), [(t, 0) for t, _ in by_level.get("metropolitan_france", []) + by_level.get("overseas", [])]))
        determined = _determined_by_rank(table, groups, {(k, 0) for k in hidden})
        assert determined == set(), (indicator, year, sorted(rows[k][0] for k, _ in determined))
        checked += 1
    assert checked >= 6
    assert "ou qui permettraient de le recalculer" in report.extra_html
