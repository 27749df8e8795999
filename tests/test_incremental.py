"""Incremental refresh (issue 24): each kind of input change re-materializes only the stale assets
and what depends on them, and the warehouse it leaves equals a full rebuild, table for table.

One deployment (a copy of the session's: its tree and Dagster instance, after a full build),
refreshed as `make run` does (`autonomy refresh` processes, a copy of the code so that a dbt model
can be edited): a night with nothing new, then one change at a time (a deliberation, a catalogue
entry, a FAP month, an official file, a dbt model's SQL), each followed by an incremental refresh
whose materializations are checked against the asset graph (the catalogue entry and the
deliberation make the same assets stale: each is planned alone, and one refresh carries both).
The changes touch disjoint parts of the graph, so one rebuild from scratch of the final inputs is
compared with the final incremental warehouse (every table of every schema).
A setting that changes what is built (AUTONOMY_DEPARTMENT_CODE) makes everything stale: its plan
is checked without running it (it is a full rebuild).
"""

from __future__ import annotations

import shutil

import pytest
from conftest import Paths, _use_tree, add_fap_month, change_official_value, copy_deployment, update_manifest_hash
from refresh_helpers import (
    checks_without_evaluation,
    copy_code,
    dagster_home,
    materialized,
    normalised,
    open_instance,
    refresh,
    table_hashes,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

DOC_003 = "003_175a9451323deadd"
MDPH_PUBLICATION = "barometre_mdph_processing_times"
EDITED_MODEL = "mdph_processing_times"


def _graph():
    from dagster_project.definitions import defs

    return defs.resolve_job_def("refresh").asset_layer.asset_graph


def _downstream(graph, roots: set[str]) -> set[str]:
    import dagster as dg

    keys = {k for k in graph.materializable_asset_keys}
    out, todo = set(), [dg.AssetKey.from_user_string(r) for r in roots]
    while todo:
        key = todo.pop()
        if key in out or key not in keys:
            continue
        out.add(key)
        todo.extend(graph.get(key).child_keys)
    return {k.to_user_string() for k in out}


def _allowed(graph, roots: set[str]) -> set[str]:
    """What a refresh of these stale roots may materialize: them and what depends on them, the
    assets guarded by a reconciliation rule (rebuilt with the mart, see incremental.py), and the
    other assets of a step that cannot be subset (the loaders)."""
    from dagster_project.checks.definitions import defs as reconciliation

    allowed = _downstream(graph, roots)
    if "marts/reconciliation_checks" in allowed:
        allowed |= {ck.asset_key.to_user_string() for c in reconciliation.asset_checks for ck in c.check_keys}
    for key in list(allowed):
        import dagster as dg

        assets_def = graph.get(dg.AssetKey.from_user_string(key)).assets_def
        if not assets_def.can_subset:
            allowed |= {k.to_user_string() for k in assets_def.keys}
    return allowed


def _incremental(code, tree: Paths, home, graph, expected_stale: set[str], absent: set[str]) -> set[str]:
    result = refresh(code, tree, home)
    assert result.returncode == 0, result.output[-5000:]
    assert "Actualisation partielle" in result.output, result.output[-3000:]
    assert set(result.stale) == expected_stale, result.stale
    done = materialized(home, result.run_id)
    assert expected_stale <= done
    assert done <= _allowed(graph, expected_stale), sorted(done - _allowed(graph, expected_stale))
    assert not done & absent, sorted(done & absent)
    assert "publish/warehouse" in done and "reports/index" in done
    # Every check of what was rebuilt was evaluated (a relationships test towards a table not
    # rebuilt included): a test dbt skips would be a blocking check that blocks nothing.
    assert checks_without_evaluation(home, result.run_id, graph, done) == []
    return done


def _plan(tree: Paths, home, monkeypatch):
    """The plan `autonomy refresh` would make now for this tree and instance (no run)."""
    from dagster_project.definitions import defs
    from dagster_project.incremental import Plan, plan_refresh, quick_check
    from dagster_project.settings import get_settings

    _use_tree(tree, monkeypatch)  # the refresh's own settings, nothing inherited from this shell
    with open_instance(home) as instance:
        if quick_check(instance, get_settings()) is None:  # the refresh's shortcut: not taken when anything changed
            return plan_refresh(defs, instance, get_settings())
        return Plan(full=False, reasons=[])


def _planned_stale(tree: Paths, home, monkeypatch) -> set[str]:
    plan = _plan(tree, home, monkeypatch)
    assert not plan.full, plan.reasons
    return {k.to_user_string() for k in plan.stale}


def test_each_input_change_rebuilds_its_part_and_equals_a_full_rebuild(_published_session, tmp_path, monkeypatch):
    code = copy_code(tmp_path / "code")
    # What `make run` leaves in a checkout: the session's first refresh, every asset materialized
    # (a new instance: a full build), its tree and instance copied.
    tree, home = copy_deployment(_published_session, tmp_path / "deployment")
    first = _published_session[2]
    graph = _graph()
    every = {k.to_user_string() for k in graph.materializable_asset_keys}
    assert materialized(home, first.run_id) == every

    # A night with nothing new: said in French, nothing rewritten.
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in [tree.warehouse, *tree.reports.glob("*.html")]}
    quiet = refresh(code, tree, home)
    assert quiet.returncode == 0, quiet.output[-3000:]
    assert f"Rien n'a changé depuis le run {first.run_id} du " in quiet.output, quiet.output
    assert {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in before} == before

    deliberation_tables = {k for k in every if k.startswith("raw/deliberations/")}
    opendata_raw = {k for k in every if k.startswith("raw/opendata/")}
    fap_raw = {"raw/fap/fap_lines", "raw/fap/fap_files", "raw/fap/sad_registry"}

    # 1. A catalogue entry (the title of a table) and 2. a deliberation (a line added at the end
    # of document 003, its sha256 updated) make the same assets stale: each is planned alone
    # (in this process, as the refresh plans), then one refresh carries both.
    catalogue = tree.deliberations / "catalogue.yml"
    text = catalogue.read_text(encoding="utf-8")
    title = "title: Indicateurs « Personnes Âgées » dans le Pas-de-Calais (données ARS)"
    assert title in text
    catalogue.write_text(text.replace(title, title + " - titre corrigé", 1), encoding="utf-8")
    assert _planned_stale(tree, home, monkeypatch) == deliberation_tables
    catalogue.write_text(text, encoding="utf-8")
    assert _planned_stale(tree, home, monkeypatch) == set()  # the plan sees the file as it was
    document = tree.deliberations / f"{DOC_003}.txt"
    document.write_text(document.read_text(encoding="utf-8") + "\nLigne ajoutée après publication.\n", encoding="utf-8")
    update_manifest_hash(tree.deliberations, DOC_003)
    assert _planned_stale(tree, home, monkeypatch) == deliberation_tables
    catalogue.write_text(text.replace(title, title + " - titre corrigé", 1), encoding="utf-8")
    _incremental(code, tree, home, graph, deliberation_tables, opendata_raw | fap_raw)

    # 3. A new FAP month (January 2025, the lines of December 2024).
    add_fap_month(tree)
    done = _incremental(code, tree, home, graph, {"raw/fap/fap_lines", "raw/fap/fap_files"}, deliberation_tables | opendata_raw)
    assert "marts/fap_hours_by_sad_month" in done and "marts/population" not in done
    # Past publishing, the reports whose marts were rebuilt (and the index): not the others.
    assert "reports/activite_sad" in done and "reports/etablissements" not in done

    # 4. An official file: one value of the MDPH barometer.
    tree = change_official_value(tree)
    done = _incremental(code, tree, home, graph, {f"raw/opendata/{MDPH_PUBLICATION}"}, deliberation_tables | fap_raw)
    assert f"marts/{EDITED_MODEL}" in done and "marts/fap_hours_by_sad_month" not in done
    assert {k for k in done if k.startswith("reports/")} == {"reports/etablissements", "reports/index"}

    # 5. A dbt model's SQL (in the copy of the code).
    model = code / "dbt" / "models" / "marts" / "opendata" / f"{EDITED_MODEL}.sql"
    model.write_text(model.read_text(encoding="utf-8") + "\n-- changed: the model's code version changes\n", encoding="utf-8")
    done = _incremental(code, tree, home, graph, {f"marts/{EDITED_MODEL}"}, deliberation_tables | fap_raw | opendata_raw)
    assert "marts/fap_hours_by_sad_month" not in done
    assert {k for k in done if k.startswith("reports/")} == {"reports/etablissements", "reports/index"}

    # The same final inputs and code, rebuilt from scratch in a tree of their own.
    scratch = tmp_path / "scratch"
    shutil.copytree(tree.raw, scratch / "raw", symlinks=False)
    rebuilt = Paths(
        scratch, scratch / "raw", scratch / "warehouse" / "autonomy.duckdb", scratch / "reports", opendata=tree.opendata
    )
    full = refresh(code, rebuilt, dagster_home(scratch))
    assert full.returncode == 0, full.output[-5000:]
    # marts.reconciliation_history is a change log: one full run has other rows than six.
    skip = frozenset({"meta.refresh", "meta.schemas", "marts.reconciliation_history"})
    incremental, from_scratch = table_hashes(tree.warehouse, skip), table_hashes(rebuilt.warehouse, skip)
    assert sorted(incremental) == sorted(from_scratch)
    assert {t for t in incremental if incremental[t] != from_scratch[t]} == set()
    assert len(incremental) > 150
    # The reports too: those the partial refreshes left as they were show what a rebuild shows
    # (apart from the dates and run ids of the refreshes: `normalised`).
    reports = {p.name: normalised(p.read_text(encoding="utf-8")) for p in sorted(tree.reports.glob("*.html"))}
    rebuilt_reports = {p.name: normalised(p.read_text(encoding="utf-8")) for p in sorted(rebuilt.reports.glob("*.html"))}
    assert sorted(reports) == sorted(rebuilt_reports) and len(reports) == 8
    assert {name for name in reports if reports[name] != rebuilt_reports[name]} == set()

    # 6. A setting that changes what is built: everything is stale (checked on the plan only).
    monkeypatch.setenv("AUTONOMY_DEPARTMENT_CODE", "59")
    plan = _plan(tree, home, monkeypatch)
    assert plan.full and "AUTONOMY_DEPARTMENT_CODE" in plan.reasons[0]
    assert {k.to_user_string() for k in plan.run_keys} == every
