"""FAP ingestion through the refresh job: the 2024 sample month by month, the reconciliation with
the annex, idempotent re-runs, incremental dbt models, rejected files, the sensor."""

import hashlib
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from conftest import DOC_002, replace_line, update_manifest_hash
from fap_helpers import edit_line, fap_file, materialize_fap, months_loaded, read_fields

from dagster_project.refresh import run_refresh
from dagster_project.sources.fap import generate
from dagster_project.sources.fap.assets import EXPORTS_KEY, MONTHS_TAG
from dagster_project.sources.fap.sensors import fap_monthly_files

pytestmark = pytest.mark.e2e
MONTHS = [f"2024-{m:02d}" for m in range(1, 13)]


def _work(paths):
    return duckdb.connect(str(paths.warehouse.parent / ".work" / "autonomy_work.duckdb"), read_only=True)


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_sample_ingested_month_by_month_and_reconciled(published):
    with _work(published) as con:
        files = con.execute(
            "SELECT month, file_name, row_count, length(sha256), synthetic FROM raw.fap_files ORDER BY month"
        ).fetchall()
        assert files == [(m, f"fap_{m}.csv", 15342, 64, True) for m in MONTHS]  # the generator's sample, and known as such
        assert con.execute("SELECT count(*), count(DISTINCT month) FROM raw.fap_lines").fetchone() == (184104, 12)
    with duckdb.connect(str(published.warehouse), read_only=True) as con:
        comparison = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE matches), sum(delta_hours) FROM marts.fap_annex_hours_comparison"
        ).fetchone()
        assert comparison == (37, 37, Decimal("0.00"))
        assert con.execute(
            "SELECT annex_apa_hours, fap_apa_hours, source_line FROM marts.fap_annex_hours_comparison WHERE is_total"
        ).fetchone() == (Decimal("4319502.00"), Decimal("4319502.00"), 128)
        assert con.execute(
            "SELECT sad_id, fap_apa_hours, source_line FROM marts.fap_annex_hours_comparison WHERE sad_name = 'FÉDÉRATION ADMR DU PAS-DE-CALAIS'"
        ).fetchone() == ("62-036", Decimal("1147837.00"), 127)
        yearly = con.execute(
            "SELECT count(*), sum(apa_hours_billed), min(months_reported) FROM intermediate.int_fap__sad_hours_yearly WHERE year = 2024"
        ).fetchone()
        assert yearly == (36, Decimal("4319502.00"), 12)
        published_tables = {r[0] for r in con.execute("SELECT schema_name || '.' || table_name FROM duckdb_tables()").fetchall()}
        assert "raw.fap_lines" not in published_tables and "staging.stg_fap__lines" not in published_tables
        assert {"raw.fap_files", "marts.fap_hours_by_sad_month", "marts.fap_beneficiaries_by_sad_month"} <= published_tables
        assert con.execute(
            "SELECT count(*) FILTER (WHERE suppressed), min(beneficiaries) FILTER (WHERE NOT suppressed) FROM marts.fap_beneficiaries_by_sad_month"
        ).fetchone() == (156, 5)


def test_rerun_of_a_month_is_idempotent(published_copy):
    path = fap_file(published_copy.raw, "2024-03")
    with _work(published_copy) as con:
        before = con.execute("SELECT loaded_at, sha256 FROM raw.fap_files WHERE month = '2024-03'").fetchone()
    assert months_loaded(materialize_fap("2024-03")) == ([], ["2024-03"])  # same size and time: not even hashed
    path.touch()
    assert months_loaded(materialize_fap("2024-03")) == ([], ["2024-03"])  # same sha256
    # Move an hour between two lines of one SAD: same totals, another file.
    a, b = read_fields(path, 2), read_fields(path, 3)
    edit_line(path, 2, consistent=True, hours_billed=_plus(a["hours_billed"], "1"))
    edit_line(path, 3, consistent=True, hours_billed=_plus(b["hours_billed"], "-1"))
    assert months_loaded(materialize_fap("2024-03")) == (["2024-03"], [])
    assert months_loaded(materialize_fap("2024-03")) == ([], ["2024-03"])
    with _work(published_copy) as con:
        after = con.execute("SELECT loaded_at, sha256, row_count FROM raw.fap_files WHERE month = '2024-03'").fetchone()
        assert after[0] > before[0] and after[1] == _sha(path) != before[1] and after[2] == 15342
        assert con.execute("SELECT count(*) FROM raw.fap_lines WHERE month = '2024-03'").fetchone() == (15342,)
        assert con.execute("SELECT count(*) FROM raw.fap_lines").fetchone() == (184104,)


def _plus(text: str, hours: str) -> str:
    return f"{Decimal(text.replace(',', '.')) + Decimal(hours):.2f}".replace(".", ",")


@pytest.mark.slow
def test_incremental_models_process_only_new_and_changed_months(published_deployment):
    tree = published_deployment[0]  # the session's deployment, copied: this refresh is a partial one
    with _work(tree) as con:
        first = con.execute(
            "SELECT DISTINCT dbt_invocation_id FROM intermediate.int_fap__hours_by_sad_month_prestation"
        ).fetchall()
    assert len(first) == 1
    path = fap_file(tree.raw, "2024-03")
    a, b = read_fields(path, 2), read_fields(path, 3)
    edit_line(path, 2, consistent=True, hours_billed=_plus(a["hours_billed"], "1"))
    edit_line(path, 3, consistent=True, hours_billed=_plus(b["hours_billed"], "-1"))
    plan = generate.Plan(out_dir=tree.raw / "fap", months=["2025-01"], departments=["62"])
    generate.generate(
        plan,
        generate.read_profile(tree.raw / "fap" / "activity_profile_2024.csv"),
        generate.read_registry(tree.raw / "fap" / "sad_registry.csv"),
        progress=False,
    )
    summary = run_refresh()
    assert summary.published, summary.render()
    with _work(tree) as con:
        for model in ("int_fap__hours_by_sad_month_prestation", "int_fap__beneficiaries_by_sad_month"):
            by_run = con.execute(
                f"SELECT dbt_invocation_id = ?, list(DISTINCT month ORDER BY month) FROM intermediate.{model} GROUP BY 1 ORDER BY 1",
                [first[0][0]],
            ).fetchall()
            assert by_run == [(False, ["2024-03", "2025-01"]), (True, [m for m in MONTHS if m != "2024-03"])], model
        assert (
            con.execute(
                "SELECT hours_billed FROM intermediate.int_fap__hours_by_sad_month_prestation "
                "WHERE month = '2024-03' AND sad_id = '62-001' AND prestation = 'APA'"
            ).fetchone()
            == con.execute(
                "SELECT sum(hours_billed) FROM raw.fap_lines WHERE month = '2024-03' AND sad_id = '62-001' AND prestation = 'APA'"
            ).fetchone()
        )
        assert con.execute("SELECT count(*) FROM intermediate.int_fap__sad_hours_yearly WHERE year = 2025").fetchone() == (36,)
        # an edited sample file, and a file the sample command did not write, are not the synthetic sample
        assert con.execute("SELECT list(month ORDER BY month) FROM raw.fap_files WHERE NOT synthetic").fetchone() == (
            ["2024-03", "2025-01"],
        )


def test_bad_file_is_rejected_previous_month_kept_nothing_published(published_deployment):
    tree = published_deployment[0]  # the session's deployment, copied: this refresh is a partial one
    published_before = _sha(tree.warehouse)
    path = fap_file(tree.raw, "2024-05")
    with _work(tree) as con:
        before = con.execute("SELECT sha256, row_count, hours_billed FROM raw.fap_files WHERE month = '2024-05'").fetchone()
    edit_line(path, 7, hours_planned="1\u00a0000,00")
    edit_line(path, 9, sad_id="62-999")
    summary = run_refresh()
    assert not summary.published
    text = summary.render()
    assert "FAILED step fap_monthly_exports" in text
    assert "1 FAP export(s) rejected (the previously loaded data of these months is kept; nothing is published)" in text
    assert f"{path}, line 7, column 'hours_planned': hours_planned: thousands separated by a no-break space (U+00A0)" in text
    assert "(value '1\\xa0000,00')" in text
    assert f"{path}, line 9, column 'sad_id': unknown sad_id: not in sad_registry.csv (value '62-999')" in text
    assert _sha(tree.warehouse) == published_before
    with _work(tree) as con:
        assert (
            con.execute("SELECT sha256, row_count, hours_billed FROM raw.fap_files WHERE month = '2024-05'").fetchone() == before
        )
        assert (
            con.execute("SELECT count(*), sum(hours_billed) FROM raw.fap_lines WHERE month = '2024-05'").fetchone() == before[1:]
        )


@pytest.mark.slow
def test_fap_hours_differing_from_the_annex_block_publishing(published_deployment):
    tree = published_deployment[0]  # the session's deployment, copied: this refresh is a partial one
    published_before = _sha(tree.warehouse)
    edit_line(fap_file(tree.raw, "2024-03"), 2, consistent=True, hours_billed="1,00")
    summary = run_refresh()
    assert not summary.published
    check = [c for c in summary.failed_checks if "fap_hours__engine__hours_per_sad" in c]
    assert len(check) == 1, summary.render()
    assert check[0].startswith(
        "marts/fap_annex_hours_comparison:fap_hours__engine__hours_per_sad - 2 of 37 figures outside tolerance."
    )
    assert "(LONGUEUESSE / AADCMO) imprimé 23 596,00 (ligne 92)" in check[0]
    assert "Nos chiffres diffèrent du document : la publication est bloquée." in check[0]
    assert _sha(tree.warehouse) == published_before


@pytest.mark.slow
def test_altering_the_annex_alone_fails_the_reconciliation(published_deployment):
    tree = published_deployment[0]  # the session's deployment, copied: this refresh is a partial one
    deliberations = tree.raw / "deliberations"
    replace_line(deliberations / f"{DOC_002}.txt", 92, "23 596,00", "23 597,00")
    update_manifest_hash(deliberations, DOC_002)
    summary = run_refresh()
    assert not summary.published
    check = " ".join(c for c in summary.failed_checks if "fap_hours__engine__hours_per_sad" in c)
    assert (
        "(LONGUEUESSE / AADCMO) imprimé 23 597,00 (ligne 92) ; somme des heures APA facturées de l'année dans les exports "
        "mensuels FAP (données FAP synthétiques : concordance par construction) : 23 596,00" in check
    )


def _tick(instance, cursor=None):
    from dagster_project.definitions import defs

    context = dg.build_sensor_context(instance=instance, cursor=cursor, repository_def=defs.get_repository_def())
    result = fap_monthly_files(context)
    for event in result.asset_events:  # what the daemon does with them, in its order
        instance.report_runless_asset_event(event)
    for request in result.dynamic_partitions_requests:
        if isinstance(request, dg.AddDynamicPartitionsRequest):
            instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))
        else:
            for key in request.partition_keys:
                instance.delete_dynamic_partition(request.partitions_def_name, key)
    return result


def test_sensor_requests_only_exports_not_recorded_as_loaded(paths):
    fap = paths.raw / "fap"
    with dg.instance_for_test() as instance:
        # A fresh instance has recorded nothing: every export is new, one run loads them all.
        first = _tick(instance)
        [request] = first.run_requests
        # A new instance knows no publish: the whole refresh job, planned and tagged as `make run`'s.
        assert request.tags == {
            "autonomy/trigger": "fap_monthly_files",
            "autonomy/plan": "full",
            MONTHS_TAG: ",".join(MONTHS),
        }
        assert request.asset_selection is None
        assert request.partition_key is None and instance.get_dynamic_partitions("fap_months") == MONTHS
        assert not _tick(instance, first.cursor).run_requests  # requested once, even before the run ends
        # The ingestion records each month on its partition; a fresh cursor (the UI starting) then requests nothing.
        assert materialize_fap(instance=instance).success
        fresh = _tick(instance)
        assert not fresh.run_requests and fresh.skip_reason is not None
        # A copied or touched file with the same content (another stamp, same sha256) is not a change.
        fap_file(paths.raw, "2024-02").touch()
        assert not _tick(instance).run_requests
        # A changed month, and a new one: one run for both.
        edit_line(fap_file(paths.raw, "2024-07"), 2, consistent=True, hours_billed="1,00")
        plan = generate.Plan(out_dir=fap, months=["2025-02"], departments=["62"])
        generate.generate(
            plan,
            generate.read_profile(fap / "activity_profile_2024.csv"),
            generate.read_registry(fap / "sad_registry.csv"),
            progress=False,
        )
        changed = _tick(instance, fresh.cursor)
        [request] = changed.run_requests
        assert request.tags[MONTHS_TAG] == "2024-07,2025-02" and request.run_key.startswith("fap:2024-07@")
        assert instance.get_dynamic_partitions("fap_months") == [*MONTHS, "2025-02"]
        assert not _tick(instance, changed.cursor).run_requests
        # A month whose file is gone is no longer a partition.
        fap_file(paths.raw, "2025-02").unlink()
        _tick(instance, changed.cursor)
        assert instance.get_dynamic_partitions("fap_months") == MONTHS


def test_an_instance_with_no_record_takes_the_published_exports_as_loaded(published_copy):
    """An instance from before the months were partitions (an upgrade) has recorded nothing: the
    exports the published warehouse was built from are not new, and get recorded; a changed one is."""
    with duckdb.connect(str(published_copy.warehouse), read_only=True) as con:
        published = dict(con.execute("SELECT month, sha256 FROM raw.fap_files").fetchall())
    assert sorted(published) == MONTHS
    with dg.instance_for_test() as instance:
        first = _tick(instance)
        assert not first.run_requests and first.skip_reason is not None
        records = instance.fetch_materializations(dg.AssetRecordsFilter(asset_key=EXPORTS_KEY), limit=100).records
        recorded = {r.partition_key: r.asset_materialization.metadata for r in records}
        assert {month: m["sha256"].value for month, m in recorded.items()} == published
        assert recorded["2024-03"]["sha256"].value == _sha(fap_file(published_copy.raw, "2024-03"))
        assert instance.get_dynamic_partitions("fap_months") == MONTHS
        # A fresh cursor now reads the instance's records; a changed month is still a change.
        edit_line(fap_file(published_copy.raw, "2024-07"), 2, consistent=True, hours_billed="1,00")
        [request] = _tick(instance).run_requests
        assert request.tags[MONTHS_TAG] == "2024-07"
    with dg.instance_for_test() as instance:  # another upgrade, the file changed before the first start
        [request] = _tick(instance).run_requests
        assert request.tags[MONTHS_TAG] == "2024-07"


def test_each_loaded_month_is_a_materialized_partition_with_its_file(paths):
    with dg.instance_for_test() as instance:
        assert materialize_fap(instance=instance).success
        records = instance.fetch_materializations(dg.AssetRecordsFilter(asset_key=EXPORTS_KEY), limit=100).records
        by_month = {r.partition_key: r.asset_materialization.metadata for r in records}
        assert sorted(by_month) == MONTHS
        path = fap_file(paths.raw, "2024-05")
        march = by_month["2024-05"]
        assert march["status"].value == "loaded" and march["sha256"].value == _sha(path)
        assert march["rows_loaded"].value == 15342 and march["size_bytes"].value == path.stat().st_size
        # A rejected file: an observation on its partition, with the line and column, and the run fails.
        edit_line(path, 9, sad_id="62-999")
        result = materialize_fap(instance=instance)
        assert not result.success
        [observation] = [
            e.asset_observation_data.asset_observation
            for e in result.all_events
            if e.event_type == dg.DagsterEventType.ASSET_OBSERVATION
        ]
        assert observation.partition == "2024-05" and observation.metadata["status"].value == "rejected"
        assert "line 9, column 'sad_id'" in observation.metadata["problems"].value


def test_the_marts_flag_small_counts_with_the_threshold_the_reports_use(tmp_path):
    """AUTONOMY_DISCLOSURE_THRESHOLD reaches dbt: one threshold for the `suppressed` flag and the reports."""
    dbt = Path(sys.executable).parent / "dbt"  # its own process: dbt keeps global state
    env = {**os.environ, "AUTONOMY_WORK_DB": str(tmp_path / "work.duckdb"), "AUTONOMY_DISCLOSURE_THRESHOLD": "11"}
    args = [str(dbt), "compile", "-q", "-s", "fap_beneficiaries_by_sad_month", "--profiles-dir", ".",
            "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs")]  # fmt: skip
    subprocess.run(args, cwd=Path(__file__).resolve().parents[1] / "dbt", env=env, check=True, capture_output=True)
    [compiled] = (tmp_path / "target").rglob("fap_beneficiaries_by_sad_month.sql")
    sql = compiled.read_text(encoding="utf-8")
    assert "counts.beneficiaries < 11 as suppressed" in sql and "cast(11 as integer) as disclosure_threshold" in sql
