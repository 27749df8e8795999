"""Code and data versions (issue 24) and the three defects fixed with them: one sha256_of, an
open-data fingerprint that follows what is written, a new edition said once. No refresh here:
the incremental refresh itself is tests/test_incremental.py."""

from __future__ import annotations

import json
import os
import shutil

import pytest
from conftest import OPENDATA, PROJECT, link_opendata

MANIFEST = PROJECT / "raw" / "opendata" / "manifest.yml"
DREES_2020 = OPENDATA / "drees" / "Les bénéficiaires de l'aide sociale départementale - séries longues (1996-2020).xlsx"


def test_one_sha256_of_for_every_source():
    from dagster_project.core import hashing
    from dagster_project.sources.deliberations import manifest as deliberations
    from dagster_project.sources.fap import files as fap
    from dagster_project.sources.opendata import fetch
    from dagster_project.sources.opendata import manifest as opendata

    assert opendata.sha256_of is deliberations.sha256_of is fap.sha256_of is fetch.sha256_of is hashing.sha256_of
    sources = [p for p in (PROJECT / "dagster_project").rglob("*.py") if "def sha256_of" in p.read_text(encoding="utf-8")]
    assert sources == [PROJECT / "dagster_project" / "core" / "hashing.py"]


def test_the_hash_cache_reads_a_file_again_only_when_its_stat_changed(tmp_path, monkeypatch):
    from dagster_project.core import hashing

    path = tmp_path / "a.csv"
    path.write_text("1;2\n")
    reads = []
    monkeypatch.setattr(hashing, "sha256_of", lambda p, real=hashing.sha256_of: reads.append(p) or real(p))
    cache = hashing.HashCache(tmp_path / "hashes.json")
    first = cache.sha256(path)
    cache.save()
    again = hashing.HashCache(tmp_path / "hashes.json")  # another process
    assert again.sha256(path) == first and len(reads) == 1
    stat = path.stat()
    path.write_text("1;3\n")  # same size, and the modification time put back: the change time tells
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert again.sha256(path) != first and len(reads) == 2


def test_the_open_data_fingerprint_follows_replace_table_and_the_comments(tmp_path, monkeypatch):
    from dagster_project.sources.opendata import load as od
    from dagster_project.sources.opendata.manifest import discover, load_manifest

    files = discover(load_manifest(MANIFEST), link_opendata(tmp_path / "opendata"))
    first = od.fingerprint(MANIFEST, files)
    monkeypatch.setitem(od.COMMENTS, "sheet", "The sheet, as named in the file (reworded)")
    assert od.fingerprint(MANIFEST, files) != first
    monkeypatch.undo()
    assert od.fingerprint(MANIFEST, files) == first
    writer = tmp_path / "connections.py"
    writer.write_text("def replace_table(): 'another writer'\n")
    monkeypatch.setattr(od.inspect, "getsourcefile", lambda obj: str(writer))
    assert od.fingerprint(MANIFEST, files) != first


def test_every_asset_has_a_code_version_and_dbt_ones_follow_their_sql_and_macros():
    import dagster as dg

    from dagster_project.definitions import defs
    from dagster_project.transform.assets import _manifest_index, dbt_code_version, dbt_models

    graph = defs.get_repository_def().asset_graph
    assert all(graph.get(k).code_version for k in graph.materializable_asset_keys)
    key = dg.AssetKey(["marts", "mdph_processing_times"])
    props = next(
        n
        for n in json.loads((PROJECT / "dbt" / "target" / "manifest.json").read_text(encoding="utf-8"))["nodes"].values()
        if n["resource_type"] == "model" and n["name"] == "mdph_processing_times"
    )
    assert dbt_code_version(props) == dbt_models.get_asset_spec(key).code_version
    assert dbt_code_version({**props, "raw_code": props["raw_code"] + "\n-- edited"}) != dbt_code_version(props)
    macros, _ = _manifest_index()
    macro_id = next(m for m in props["depends_on"]["macros"] if m in macros) if props["depends_on"]["macros"] else None
    if macro_id:  # a macro it calls is part of it
        macros[macro_id] = {**macros[macro_id], "macro_sql": macros[macro_id]["macro_sql"] + " "}
        try:
            assert dbt_code_version(props) != dbt_models.get_asset_spec(key).code_version
        finally:
            macros[macro_id] = {**macros[macro_id], "macro_sql": macros[macro_id]["macro_sql"][:-1]}


def test_inputs_change_only_for_the_source_whose_files_changed(tmp_path, monkeypatch, paths):
    from dagster_project.settings import get_settings
    from dagster_project.versions import Inputs, settings_fingerprint

    monkeypatch.setenv("AUTONOMY_OPENDATA_DIR", str(link_opendata(tmp_path / "opendata")))
    monkeypatch.setenv("AUTONOMY_WORK_DIR", str(tmp_path / "work"))
    before = Inputs(get_settings()).all()
    month = paths.raw / "fap" / "fap_2025-01.csv"
    shutil.copy(paths.raw / "fap" / "fap_2024-12.csv", month)
    after = Inputs(get_settings()).all()
    assert {k for k in before if before[k] != after[k]} == {"fap_exports"}
    catalogue = paths.deliberations / "catalogue.yml"
    catalogue.write_text(catalogue.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    assert {k for k in after if after[k] != Inputs(get_settings()).all()[k]} == {"deliberations"}
    fingerprint = settings_fingerprint(get_settings())
    monkeypatch.setenv("AUTONOMY_DEPARTMENT_CODE", "59")
    assert settings_fingerprint(get_settings()) != fingerprint
    monkeypatch.setenv("AUTONOMY_DUCKDB_MEMORY_LIMIT", "1GB")  # how, not what: same fingerprint
    monkeypatch.setenv("AUTONOMY_DEPARTMENT_CODE", "62")
    assert settings_fingerprint(get_settings()) == fingerprint


@pytest.mark.e2e
def test_a_new_edition_is_said_by_the_refresh_that_reads_it_not_by_the_next(tmp_path, monkeypatch, paths):
    from conftest import run_step

    folder = link_opendata(tmp_path / "opendata")
    shutil.copy(
        DREES_2020, folder / "drees" / "Les bénéficiaires de l'aide sociale départementale - séries longues (1996-2021).xlsx"
    )
    monkeypatch.setenv("AUTONOMY_OPENDATA_DIR", str(folder))
    first = run_step("opendata")
    assert first.new_editions == ["raw/opendata/drees_aid_beneficiaries, edition 1996-2021"], first.render()
    second = run_step("opendata")  # the same files: the tables are kept, nothing new to say
    assert not second.failed_steps and second.new_editions == [], second.render()


def test_a_deployment_copied_with_its_instance_stays_incremental_until_its_work_database_changes(published_deployment):
    """A checkout moved or copied with its Dagster instance (here: the session's, copied with its
    modification times) is the deployment the instance knows: nothing to do, no full rebuild.
    Its work database written since the last publish (a failed refresh, here its modification
    time moved one second) is not: everything is rebuilt."""
    import dagster as dg

    from dagster_project.definitions import defs
    from dagster_project.incremental import plan_refresh
    from dagster_project.settings import get_settings

    settings = get_settings()
    assert settings.work_db.is_relative_to(published_deployment[0].root)
    with dg.DagsterInstance.get() as instance:
        plan = plan_refresh(defs, instance, settings)
        assert not plan.full and plan.nothing_to_do, plan.reasons + plan.describe()
        stat = settings.work_db.stat()
        os.utime(settings.work_db, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
        plan = plan_refresh(defs, instance, settings)
    assert plan.full and plan.reasons == [
        "la base de travail a été modifiée depuis la dernière publication (refresh échoué ou interrompu, ou fichier remplacé)"
    ]


def test_a_missing_report_is_rewritten_alone_and_a_replaced_published_file_rewrites_them_all(published_deployment):
    """Past the publish step, a plan rewrites the reports whose marts it rebuilds (tests/
    test_incremental.py) and the index. A report file deleted is stale by itself: the quick answer
    no longer says nothing changed (the state digest), and the plan rewrites that report and the index, nothing else.
    A published file replaced (a rollback) is republished and every report rewritten."""
    import dagster as dg

    from dagster_project.definitions import defs
    from dagster_project.incremental import PUBLISH_KEY, REPORTS_INDEX_KEY, plan_refresh
    from dagster_project.settings import get_settings
    from dagster_project.versions import Inputs, hash_cache, project_code_digest, state_digest

    settings = get_settings()
    graph = defs.resolve_job_def("refresh").asset_layer.asset_graph
    reports = {k for k in graph.materializable_asset_keys if k.path[0] == "reports"}
    assert len(reports) == 8 and REPORTS_INDEX_KEY in reports
    enveloppe = dg.AssetKey(["reports", "enveloppe"])
    inputs, code = Inputs(settings, hash_cache(settings)).all(), project_code_digest()
    with dg.DagsterInstance.get() as instance:
        assert plan_refresh(defs, instance, settings).nothing_to_do  # the deployment as it was left
        before = state_digest(settings, inputs, code)
        (settings.reports_dir / "enveloppe.html").unlink()
        assert state_digest(settings, inputs, code) != before  # no quick "nothing changed" answer
        plan = plan_refresh(defs, instance, settings)
        assert not plan.full and set(plan.stale) == {enveloppe}, plan.describe()
        assert plan.stale[enveloppe] == f"fichier absent ({settings.reports_dir / 'enveloppe.html'})"
        assert plan.run_keys == {enveloppe, REPORTS_INDEX_KEY}
        stat = settings.warehouse.stat()
        os.utime(settings.warehouse, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
        plan = plan_refresh(defs, instance, settings)
    assert set(plan.stale) == {enveloppe, PUBLISH_KEY} and plan.run_keys == reports | {PUBLISH_KEY}


def test_a_recorded_stamp_is_the_file_in_place_by_size_and_modification_time(tmp_path):
    """`same_file`: a stamp of this release or of an earlier one (which began with the inode) is the
    file in place when its size and modification time are; any write, or no file, is not."""
    from dagster_project.versions import file_stamp, same_file

    path = tmp_path / "work.duckdb"
    path.write_bytes(b"12345")
    now = file_stamp(path)
    stat = path.stat()
    assert now == f"{stat.st_size}:{stat.st_mtime_ns}"
    assert same_file(now, now) and same_file(f"{stat.st_ino}:{now}", now)  # this release's, an earlier one's
    copy = tmp_path / "copy.duckdb"
    shutil.copy2(path, copy)  # another inode, same size and time: the same content
    assert same_file(now, file_stamp(copy))
    path.write_bytes(b"12346")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))
    assert not same_file(now, file_stamp(path))  # written since
    assert not same_file(now, file_stamp(tmp_path / "absent.duckdb")) and not same_file(None, now) and not same_file("", now)
