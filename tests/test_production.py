"""Production: refusals that name the setting, the systemd units and dagster.yaml of deploy/,
failure alerts (one message per failed run, e-mail and webhook), run retention, and the
daemon + webserver started as two processes running the nightly schedule (e2e)."""

from __future__ import annotations

import email
import email.policy
import json
import os
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import pytest
from conftest import DOC_002, PROJECT, change_official_value, replace_line

DEPLOY = PROJECT / "deploy"


# --- refusals -----------------------------------------------------------------------------------


def test_production_refusals_name_the_setting(monkeypatch, tmp_path):
    from dagster_project.production import problems

    monkeypatch.setenv("AUTONOMY_ENV", "production")
    monkeypatch.setenv("DAGSTER_HOME", "relative/home")
    monkeypatch.setenv("AUTONOMY_PSEUDO_KEY", "x" * 31)
    monkeypatch.setenv("AUTONOMY_ANALYST_GROUP", "no-such-group-autonomy")
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("AUTONOMY_REPORTS_DIR", str(blocker / "reports"))  # cannot be created under a file
    found = problems()
    assert len(found) == 4, found
    assert found[0].startswith("DAGSTER_HOME must be an absolute path")
    assert any(p.startswith("AUTONOMY_PSEUDO_KEY is 31 characters long") for p in found)
    assert any(p.startswith("AUTONOMY_ANALYST_GROUP names group 'no-such-group-autonomy'") for p in found)
    assert any(p.startswith("AUTONOMY_REPORTS_DIR: folder") and "not writable" in p for p in found)

    monkeypatch.delenv("AUTONOMY_PSEUDO_KEY")
    monkeypatch.delenv("DAGSTER_HOME")
    found = problems()
    assert any(p.startswith("AUTONOMY_PSEUDO_KEY is not set") for p in found)
    assert any(p.startswith("DAGSTER_HOME is not set") for p in found)


def test_production_settings_that_are_complete_pass(monkeypatch, tmp_path):
    from dagster_project.production import problems

    monkeypatch.setenv("AUTONOMY_ENV", "production")
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("AUTONOMY_PSEUDO_KEY", "k" * 32)
    monkeypatch.delenv("AUTONOMY_ANALYST_GROUP", raising=False)
    assert problems() == []


def test_serve_refuses_to_start_and_says_why(tmp_path):
    env = {**os.environ, "AUTONOMY_ENV": "production", "DAGSTER_HOME": str(tmp_path), "AUTONOMY_PSEUDO_KEY": "short"}
    done = subprocess.run([sys.executable, "-m", "dagster_project.cli", "serve"], cwd=PROJECT, env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 2
    assert "refusing to start" in done.stderr and "AUTONOMY_PSEUDO_KEY is 5 characters long" in done.stderr


# --- deploy/ ------------------------------------------------------------------------------------


def test_systemd_units_verify(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed in this container")
    for unit in sorted((DEPLOY / "systemd").glob("*.service")):
        # The units name /opt/autonomy-warehouse (docs/deploy.md); verify them against this checkout,
        # where .venv/bin/autonomy exists, so that `verify` also checks the ExecStart= command.
        text = unit.read_text(encoding="utf-8").replace("/opt/autonomy-warehouse", str(PROJECT))
        (tmp_path / unit.name).write_text(text, encoding="utf-8")
        assert "Restart=on-failure" in text and "EnvironmentFile=/etc/autonomy-warehouse/env" in text
        assert "UMask=0027" in text and "User=autonomy" in text
    units = sorted(str(p) for p in tmp_path.glob("*.service"))
    assert [Path(u).name for u in units] == ["autonomy-daemon.service", "autonomy-webserver.service"]
    try:
        done = subprocess.run([analyze, "verify", *units], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.skip(f"systemd-analyze cannot run here: {exc}")
    if "Failed to" in done.stderr and "System has not been booted with systemd" in done.stderr:
        pytest.skip(f"systemd-analyze cannot run in this container: {done.stderr.strip()}")
    ours = [line for line in done.stderr.splitlines() if str(tmp_path) in line]
    assert done.returncode == 0 and ours == [], done.stderr


def test_production_dagster_yaml_is_a_valid_instance_config(tmp_path, monkeypatch):
    from dagster._core.instance.config import dagster_instance_config

    shutil.copy(DEPLOY / "dagster.yaml", tmp_path / "dagster.yaml")
    config, _ = dagster_instance_config(str(tmp_path))
    assert config["retention"]["schedule"]["purge_after_days"] == 90
    assert config["run_queue"]["max_concurrent_runs"] == 1
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))  # the services always have it (production.py refuses otherwise)
    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        assert instance.run_monitoring_enabled
        assert instance.event_log_storage._base_dir == str(tmp_path / "history" / "runs")


def test_env_example_sets_every_production_requirement():
    text = (DEPLOY / "env.example").read_text(encoding="utf-8")
    names = {line.split("=", 1)[0].lstrip("#") for line in text.splitlines() if "=" in line and not line.startswith("# ")}
    from dagster_project.settings import VARIABLES

    assert {"AUTONOMY_ENV", "AUTONOMY_PSEUDO_KEY", "DAGSTER_HOME", "AUTONOMY_ANALYST_GROUP"} <= names
    assert names - {"DAGSTER_HOME", "PYTHONPYCACHEPREFIX"} <= set(VARIABLES)


# --- alerts -------------------------------------------------------------------------------------


class _SMTPHandler(socketserver.StreamRequestHandler):
    """The few SMTP commands smtplib sends (no TLS, no AUTH): enough to receive a message."""

    def handle(self):
        self.wfile.write(b"220 test ESMTP\r\n")
        data_mode, lines = False, []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            if data_mode:
                if line in (b".\r\n", b".\n"):
                    self.server.messages.append(b"".join(lines).decode("utf-8"))
                    data_mode, lines = False, []
                    self.wfile.write(b"250 OK queued\r\n")
                else:
                    lines.append(line[1:] if line.startswith(b"..") else line)
                continue
            verb = line[:4].upper()
            if verb == b"EHLO":
                self.wfile.write(b"250-test\r\n250 8BITMIME\r\n")
            elif verb == b"DATA":
                data_mode = True
                self.wfile.write(b"354 go ahead\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 OK\r\n")


class _SMTPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _SMTPHandler)
        self.messages: list[str] = []


class _WebhookHandler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.posts.append((self.headers["Content-Type"], json.loads(body)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def alert_servers(monkeypatch):
    smtp = _SMTPServer()
    web = HTTPServer(("127.0.0.1", 0), _WebhookHandler)
    web.posts = []
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in (smtp, web)]
    for thread in threads:
        thread.start()
    monkeypatch.setenv("AUTONOMY_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("AUTONOMY_SMTP_PORT", str(smtp.server_address[1]))
    monkeypatch.setenv("AUTONOMY_SMTP_STARTTLS", "false")
    monkeypatch.setenv("AUTONOMY_SMTP_FROM", "warehouse@test.invalid")
    monkeypatch.setenv("AUTONOMY_SMTP_TO", "team@test.invalid, oncall@test.invalid")
    monkeypatch.setenv("AUTONOMY_ALERT_WEBHOOK_URL", f"http://127.0.0.1:{web.server_address[1]}/hook")
    yield smtp, web
    smtp.shutdown()
    web.shutdown()
    smtp.server_close()
    web.server_close()


def _evaluate(sensor, instance, repo, cursor):
    context = dg.build_sensor_context(instance=instance, cursor=cursor, repository_def=repo)
    data = sensor.evaluate_tick(context)
    return data.cursor


def test_a_failed_refresh_sends_exactly_one_message(paths, alert_servers):
    from dagster_project.definitions import defs

    smtp, web = alert_servers
    repo = defs.get_repository_def()
    sensor = repo.get_sensor_def("refresh_failure_reason")
    replace_line(paths.deliberations / f"{DOC_002}.txt", 100, "35 825,00", "35 826,00")  # no longer the published bytes
    with dg.instance_for_test() as instance:
        cursor = _evaluate(sensor, instance, repo, None)  # the first tick starts watching from now, as the daemon's does
        result = defs.resolve_job_def("refresh").execute_in_process(instance=instance, raise_on_error=False)
        assert not result.success
        cursor = _evaluate(sensor, instance, repo, cursor)
        _evaluate(sensor, instance, repo, cursor)  # the next tick: the failure was already reported
        tags = instance.get_run_by_id(result.run_id).tags
    assert tags["autonomy/alert"] == "sent: email, webhook"
    assert len(smtp.messages) == 1 and len(web.posts) == 1
    message = email.message_from_string(smtp.messages[0], policy=email.policy.default)
    assert message["Subject"].startswith(f"[autonomy-warehouse] refresh FAILED (run {result.run_id[:8]}): step deliberations:")
    assert message["To"] == "team@test.invalid, oncall@test.invalid"
    body = message.get_content()
    assert f"What failed: step deliberations: Raw deliberations refused: {paths.deliberations / DOC_002}.txt: sha256" in body
    assert f"Reconciliation page: {paths.reports / 'reconciliation.html'}" in body
    content_type, payload = web.posts[0]
    assert content_type == "application/json"
    assert payload["run_id"] == result.run_id and payload["event"] == "refresh_failed"
    assert payload["reason"].startswith("step deliberations: ") and f"{DOC_002}.txt" in payload["reason"]
    assert payload["reconciliation_page"] == str(paths.reports / "reconciliation.html")


def test_nothing_is_sent_when_alerts_are_not_configured(monkeypatch):
    from dagster_project.alerts import configured
    from dagster_project.settings import get_settings

    for name in ("AUTONOMY_SMTP_HOST", "AUTONOMY_SMTP_TO", "AUTONOMY_ALERT_WEBHOOK_URL"):
        monkeypatch.delenv(name, raising=False)
    assert not configured(get_settings())
    monkeypatch.setenv("AUTONOMY_SMTP_HOST", "smtp.example.org")  # a server without recipients sends nothing either
    assert not configured(get_settings())


def test_an_unreachable_channel_is_reported_not_raised(alert_servers, monkeypatch):
    from dagster_project.alerts import Alert, send

    smtp, web = alert_servers
    monkeypatch.setenv("AUTONOMY_SMTP_PORT", str(_free_port()))  # nobody listens there
    delivery = send(Alert("0123456789", "step x: boom", "/r/reconciliation.html"))
    assert delivery.sent == ["webhook"] and len(delivery.errors) == 1 and "e-mail through 127.0.0.1" in delivery.errors[0]
    assert len(web.posts) == 1 and smtp.messages == []


# --- retention ----------------------------------------------------------------------------------


@dg.op
def _noop():
    return 1


@dg.job
def _tiny():
    _noop()


def test_run_retention_deletes_runs_past_their_age():
    from dagster_project.retention import prune_runs

    with dg.instance_for_test() as instance:
        old = _tiny.execute_in_process(instance=instance).run_id
        time.sleep(2.1)
        recent = _tiny.execute_in_process(instance=instance).run_id
        created = instance.get_run_record_by_id(old).create_timestamp
        assert instance.all_logs(old)
        assert prune_runs(instance, 0) == []  # 0 keeps everything
        # 90 days and one second after the old run: it is past its age, the recent one (2 s younger) is not.
        assert prune_runs(instance, 90, now=created + timedelta(days=90, seconds=1)) == [old]
        assert instance.get_run_by_id(old) is None and instance.all_logs(old) == []
        assert instance.get_run_by_id(recent) is not None


def test_retention_sensor_uses_the_setting(monkeypatch):
    from dagster_project.definitions import defs

    sensor = defs.get_repository_def().get_sensor_def("run_retention")
    assert sensor.default_status == dg.DefaultSensorStatus.RUNNING
    monkeypatch.setenv("AUTONOMY_RUN_RETENTION_DAYS", "30")
    with dg.instance_for_test() as instance:
        _tiny.execute_in_process(instance=instance)
        data = sensor.evaluate_tick(dg.build_sensor_context(instance=instance))
    assert data.skip_message == "deleted 0 run(s) older than 30 days"
    assert not data.run_requests


# --- the two services, for real -----------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _schedule_running_since_now(home: Path) -> datetime:
    """Record the nightly_refresh schedule as started now, and return the next minute (Paris).

    Dagster's scheduler launches the ticks that fell after a running schedule's start, once per
    tick: with a start recorded before `serve`, a tick during the daemon's own start (about 20 s)
    is launched at its first iteration. Without it, the daemon records the start when it first
    sees the schedule, and the test had to aim at a minute safely after that (60 to 120 s of
    waiting). The schedule's origin is the one `dagster sensor stop` just recorded for the sensor."""
    from dagster._core.remote_origin import RemoteInstigatorOrigin
    from dagster._core.scheduler.instigation import (
        InstigatorState,
        InstigatorStatus,
        InstigatorType,
        ScheduleInstigatorData,
    )

    with dg.DagsterInstance.from_config(str(home)) as instance:
        (sensor,) = [s for s in instance.all_instigator_state() if s.instigator_name == "fap_monthly_files"]
        started = time.time()
        fire = datetime.fromtimestamp(started + 60, ZoneInfo("Europe/Paris")).replace(second=0, microsecond=0)
        origin = RemoteInstigatorOrigin(sensor.origin.repository_origin, "nightly_refresh")
        instance.add_instigator_state(
            InstigatorState(
                origin,
                InstigatorType.SCHEDULE,
                InstigatorStatus.RUNNING,
                ScheduleInstigatorData(f"{fire.minute} {fire.hour} * * *", started),
            )
        )
    return fire


@pytest.mark.e2e
@pytest.mark.slow
def test_daemon_and_webserver_run_the_nightly_schedule_and_publish(published_deployment):
    """`autonomy serve` starts dagster-webserver and dagster-daemon as two processes; the
    nightly_refresh schedule, set by AUTONOMY_NIGHTLY_CRON to fire once at the next minute,
    launches a run through the daemon that succeeds and publishes; SIGTERM stops both.
    The schedule fires once (a cron of one minute of one day), so the published file is that run's.
    The deployment is one `make run` left (its instance made production's by deploy/dagster.yaml),
    and an official file changed since: the night's run is planned, the stale part only."""
    from dagster_project.common import PLAN_TAG

    tree, home, first = published_deployment
    shutil.copy(DEPLOY / "dagster.yaml", home / "dagster.yaml")
    paths = change_official_value(tree)
    port = _free_port()
    env = {**os.environ, **paths.env, "DAGSTER_HOME": str(home), "AUTONOMY_UI_PORT": str(port)}
    # The fap_monthly_files sensor would request a run at the first start (every month is new to it):
    # stopped here, as an administrator would in the UI, so that the run we wait for is the schedule's.
    stop = subprocess.run([str(Path(sys.executable).parent / "dagster"), "sensor", "stop", "fap_monthly_files",
                           "-m", "dagster_project.definitions"], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300)  # fmt: skip
    assert stop.returncode == 0, stop.stderr
    fire = _schedule_running_since_now(home)
    env["AUTONOMY_NIGHTLY_CRON"] = f"{fire.minute} {fire.hour} * * *"
    serve = subprocess.Popen([sys.executable, "-m", "dagster_project.cli", "serve"], cwd=PROJECT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)  # fmt: skip
    log_lines: list[str] = []
    threading.Thread(target=lambda: log_lines.extend(serve.stdout), daemon=True).start()
    run = None
    try:
        deadline = time.monotonic() + 900
        with dg.DagsterInstance.from_config(str(home)) as instance:
            while time.monotonic() < deadline:
                assert serve.poll() is None, "".join(log_lines)[-4000:]
                runs = instance.get_runs(filters=dg.RunsFilter(tags={"dagster/schedule_name": "nightly_refresh"}))
                if runs and runs[0].is_finished:
                    run = runs[0]
                    break
                time.sleep(3)
            assert run is not None, "no finished scheduled run within 15 minutes:\n" + "".join(log_lines)[-4000:]
            assert run.status == dg.DagsterRunStatus.SUCCESS, "".join(log_lines)[-4000:]
            assert run.tags.get("autonomy/trigger") == "nightly_refresh" and run.tags.get(PLAN_TAG) == "incremental"
            assert "reports/etablissements" in {k.to_user_string() for k in run.asset_selection}
            assert "reports/indicateurs" not in {k.to_user_string() for k in run.asset_selection}
            assert [r.run_id for r in instance.get_runs()] == [run.run_id, first.run_id]  # nothing else ran
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=30) as response:
            assert response.status == 200  # the webserver is a separate, live process
    finally:
        serve.send_signal(signal.SIGTERM)
        try:
            code = serve.wait(timeout=90)
        except subprocess.TimeoutExpired:
            os.killpg(serve.pid, signal.SIGKILL)
            raise
    assert code == 0, "".join(log_lines)[-4000:]
    import duckdb

    con = duckdb.connect(str(paths.warehouse), read_only=True)
    try:
        assert dict(con.execute("SELECT key, value FROM meta.refresh").fetchall())["run_id"] == run.run_id
    finally:
        con.close()


def test_the_schedule_cron_can_be_overridden(monkeypatch):
    from dagster_project.automation import NIGHTLY_CRON, build_nightly_schedule
    from dagster_project.definitions import refresh_job

    monkeypatch.delenv("AUTONOMY_NIGHTLY_CRON", raising=False)
    assert build_nightly_schedule(refresh_job).cron_schedule == NIGHTLY_CRON == "30 4 * * *"
    monkeypatch.setenv("AUTONOMY_NIGHTLY_CRON", "15 3 * * *")
    schedule = build_nightly_schedule(refresh_job)
    assert schedule.cron_schedule == "15 3 * * *" and schedule.execution_timezone == "Europe/Paris"
