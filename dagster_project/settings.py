"""Every setting of autonomy-warehouse, read here and only here.

Each `AUTONOMY_*` variable is read from the environment when `get_settings()` is called (not at
import), so the same code runs on another département's files or in a test's temporary
directory. README.md lists them all, with their defaults; a test keeps the two in step.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt"

# name -> (default as the README shows it, meaning); the README table is checked against this.
VARIABLES: dict[str, tuple[str, str]] = {
    "AUTONOMY_RAW_DIR": ("raw/", "input folder (another département's files work the same way)"),
    "AUTONOMY_WAREHOUSE": ("warehouse/autonomy.duckdb", "the published file"),
    "AUTONOMY_WORK_DIR": ("<warehouse dir>/.work", "the private work database, lock, temporary files"),
    "AUTONOMY_REPORTS_DIR": ("reports/", "where reports are written"),
    "AUTONOMY_OPENDATA_DIR": (
        "<raw dir>/opendata/files",
        "the official INSEE/DREES/IGN files (raw/opendata/manifest.yml); `autonomy opendata fetch` fills it",
    ),
    "AUTONOMY_OPENDATA_MIRROR": (
        "unset (make: ../shared/opendata if present)",
        "local folder `autonomy opendata fetch` copies from before trying the official addresses",
    ),
    "AUTONOMY_LOCK_WAIT_SECONDS": ("0", "how long a second refresh waits for the first before refusing"),
    "AUTONOMY_DEPARTMENT_CODE": ("62", "COG code of the département the reports are about (dbt var `department_code`)"),
    "AUTONOMY_DISCLOSURE_THRESHOLD": ("5", "counts of people under it are masked in reports (with a note)"),
    "AUTONOMY_ANALYST_GROUP": ("unset", "file-system group given read access to the published file"),
    "AUTONOMY_PSEUDO_KEY": ("public dev key", "secret key of the FAP beneficiary pseudonyms (HMAC-SHA256)"),
    "AUTONOMY_ENV": ("unset", "`production` makes `AUTONOMY_PSEUDO_KEY` mandatory (at least 32 characters)"),
    "AUTONOMY_DUCKDB_MEMORY_LIMIT": ("2GB", "DuckDB memory cap of the FAP ingestion and of dbt"),
    "AUTONOMY_DBT_THREADS": ("2", "dbt threads of the refresh (dbt/profiles.yml)"),
    "AUTONOMY_DBT_LOG_LEVEL": (
        "info",
        "level of dbt's log file in the work folder (`debug` adds every SQL statement: about 17 MB and 5 s of CPU a full build)",
    ),
    "AUTONOMY_DBT_VARS": ("unset", "JSON of dbt variables for the refresh (what-if envelopes)"),
    "AUTONOMY_UI_HOST": ("127.0.0.1", "where `make ui` and `make serve` serve the Dagster UI"),
    "AUTONOMY_UI_PORT": ("3000", "port of `make ui` and `make serve`"),
    "AUTONOMY_CHROMIUM": ("from PATH", "Chromium used by the browser check"),
    "AUTONOMY_CHROMEDRIVER": ("from PATH", "ChromeDriver used by the browser check"),
    "AUTONOMY_WORK_DB": (
        "set by the refresh",
        "the work database dbt writes (set for dbt by `Settings.dbt_env()`; `autonomy-dbt` runs dbt from its folder, "
        "so that dbt's saved parse serves every work directory, and uses the settings' work database when it is unset: "
        "`make docs`; not a user setting)",
    ),
    "AUTONOMY_RUN_ID": (
        "set by the refresh",
        "the Dagster run id dbt records in marts.reconciliation_history (not a user setting)",
    ),
    "AUTONOMY_KEEP_NIGHTS": (
        "7",
        "previous published files kept in `<warehouse dir>/history/` for `autonomy rollback` (0: none)",
    ),
    "AUTONOMY_RUN_RETENTION_DAYS": ("90", "Dagster runs (and their events and logs) older than this are deleted (0: never)"),
    "AUTONOMY_NIGHTLY_CRON": ("30 4 * * *", "cron of the `nightly_refresh` schedule, Europe/Paris time"),
    "AUTONOMY_SMTP_HOST": ("unset", "SMTP server of the failure alerts (no e-mail when unset)"),
    "AUTONOMY_SMTP_PORT": ("587", "SMTP port"),
    "AUTONOMY_SMTP_USER": ("unset", "SMTP login (no login when unset)"),
    "AUTONOMY_SMTP_PASSWORD": ("unset", "SMTP password"),
    "AUTONOMY_SMTP_FROM": ("autonomy-warehouse@<host name>", "sender of the failure alerts"),
    "AUTONOMY_SMTP_TO": ("unset", "recipients of the failure alerts, comma-separated"),
    "AUTONOMY_SMTP_STARTTLS": ("true", "upgrade the SMTP connection with STARTTLS (`false` for a local relay)"),
    "AUTONOMY_ALERT_WEBHOOK_URL": ("unset", "URL that receives each failure alert as a JSON POST (no webhook when unset)"),
    "AUTONOMY_FAULT": ("unset", "reliability tests only: the fault point where a refresh waits to be killed"),
    "AUTONOMY_FAULT_MARKER": ("unset", "reliability tests only: file written when the fault point is reached"),
}


@dataclass(frozen=True)
class Settings:
    raw_dir: Path
    warehouse: Path  # the published file analysts open
    work_dir: Path  # private: the work database, locks, temporary copies
    reports_dir: Path
    disclosure_threshold: int
    lock_wait_seconds: float | None = None  # None: the resource's own default
    analyst_group: str | None = None
    pseudo_key: str = ""
    production: bool = False
    duckdb_memory_limit: str = "2GB"
    dbt_threads: int = 2
    dbt_log_level: str = "info"
    dbt_vars: dict | None = None
    chromium: str | None = None
    chromedriver: str | None = None
    fault: str | None = None
    fault_marker: Path | None = None
    # COG code of the département the reports are about (AUTONOMY_DEPARTMENT_CODE, default 62);
    # the same value reaches dbt as the var department_code (dbt_project.yml).
    department_code: str = "62"
    keep_nights: int = 7
    ui_host: str = "127.0.0.1"
    ui_port: int = 3000
    run_retention_days: int = 90
    nightly_cron: str = "30 4 * * *"
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_from: str | None = None
    smtp_to: tuple[str, ...] = ()
    smtp_starttls: bool = True
    alert_webhook_url: str | None = None
    dagster_home: str | None = None  # DAGSTER_HOME as given (Dagster's own variable, must be absolute)
    opendata_dir_override: Path | None = None  # AUTONOMY_OPENDATA_DIR; see opendata_dir
    opendata_mirror: Path | None = None

    @property
    def deliberations_dir(self) -> Path:
        return self.raw_dir / "deliberations"

    @property
    def catalogue_path(self) -> Path:
        return self.deliberations_dir / "catalogue.yml"

    @property
    def opendata_manifest(self) -> Path:
        return self.raw_dir / "opendata" / "manifest.yml"

    @property
    def opendata_dir(self) -> Path:
        return self.opendata_dir_override or self.raw_dir / "opendata" / "files"

    @property
    def fap_dir(self) -> Path:
        return self.raw_dir / "fap"

    @property
    def history_dir(self) -> Path:
        """Previous published files, for `autonomy rollback`."""
        return self.warehouse.parent / "history"

    @property
    def reconciliation_page(self) -> Path:
        return self.reports_dir / "reconciliation.html"

    @property
    def work_db(self) -> Path:
        return self.work_dir / "autonomy_work.duckdb"

    @property
    def lock_file(self) -> Path:
        return self.work_dir / "refresh.lock"

    def dbt_env(self) -> dict[str, str]:
        """What dbt (a subprocess: profiles.yml and dbt_project.yml read these) must see."""
        return {
            "AUTONOMY_WORK_DB": str(self.work_db),
            "AUTONOMY_DUCKDB_MEMORY_LIMIT": self.duckdb_memory_limit,
            "AUTONOMY_DBT_THREADS": str(self.dbt_threads),
            # dbt's log file (dagster-dbt writes it in the work folder's target): at debug, every
            # SQL statement, serialised as JSON (17 MB a full build; about 5 s of its CPU).
            "DBT_LOG_LEVEL_FILE": self.dbt_log_level,
            "AUTONOMY_DISCLOSURE_THRESHOLD": str(self.disclosure_threshold),
            "AUTONOMY_DEPARTMENT_CODE": self.department_code,
            # A subset materialised from the UI runs the tests whose every parent it builds, not
            # (dbt's default, eager) a relationships test on a table the subset does not build.
            # A planned incremental refresh runs eager (transform/assets.py: dbt_models).
            "DBT_INDIRECT_SELECTION": "cautious",
        }


def name_work_db_by_file_name() -> Path:
    """For autonomy-dbt (transform/dbt_in_work_dir.py), which then runs dbt from the folder this
    returns: sets AUTONOMY_WORK_DB (settings.dbt_env gives it absolute) to the database's file name
    alone, so that the profile dbt renders is the same in every work directory. Unset (`make docs`,
    a user's own dbt command): the work database of these settings (AUTONOMY_WORK_DIR,
    AUTONOMY_WAREHOUSE), as the refresh's dbt step sees it."""
    value = _text("AUTONOMY_WORK_DB")
    path = Path(value).absolute() if value is not None else get_settings().work_db
    os.environ["AUTONOMY_WORK_DB"] = path.name
    return path.parent


def _text(name: str) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or None


def _path(name: str, default: Path) -> Path:
    value = _text(name)
    return Path(value).expanduser().resolve() if value else default


def _flag(name: str, default: bool) -> bool:
    value = _text(name)
    if value is None:
        return default
    return value.lower() in ("1", "true", "yes", "on")


def get_settings() -> Settings:
    warehouse = _path("AUTONOMY_WAREHOUSE", PROJECT_ROOT / "warehouse" / "autonomy.duckdb")
    lock_wait = _text("AUTONOMY_LOCK_WAIT_SECONDS")
    dbt_vars = _text("AUTONOMY_DBT_VARS")
    marker = _text("AUTONOMY_FAULT_MARKER")
    return Settings(
        raw_dir=_path("AUTONOMY_RAW_DIR", PROJECT_ROOT / "raw"),
        warehouse=warehouse,
        work_dir=_path("AUTONOMY_WORK_DIR", warehouse.parent / ".work"),
        reports_dir=_path("AUTONOMY_REPORTS_DIR", PROJECT_ROOT / "reports"),
        disclosure_threshold=int(_text("AUTONOMY_DISCLOSURE_THRESHOLD") or "5"),
        lock_wait_seconds=float(lock_wait) if lock_wait else None,
        analyst_group=_text("AUTONOMY_ANALYST_GROUP"),
        pseudo_key=os.environ.get("AUTONOMY_PSEUDO_KEY", ""),
        production=(_text("AUTONOMY_ENV") or "").lower() == "production",
        duckdb_memory_limit=_text("AUTONOMY_DUCKDB_MEMORY_LIMIT") or "2GB",
        dbt_threads=int(_text("AUTONOMY_DBT_THREADS") or "2"),
        dbt_log_level=_text("AUTONOMY_DBT_LOG_LEVEL") or "info",
        dbt_vars=json.loads(dbt_vars) if dbt_vars else None,
        chromium=_text("AUTONOMY_CHROMIUM"),
        chromedriver=_text("AUTONOMY_CHROMEDRIVER"),
        fault=_text("AUTONOMY_FAULT"),
        fault_marker=Path(marker) if marker else None,
        department_code=_text("AUTONOMY_DEPARTMENT_CODE") or "62",
        ui_host=_text("AUTONOMY_UI_HOST") or "127.0.0.1",
        ui_port=int(_text("AUTONOMY_UI_PORT") or "3000"),
        keep_nights=int(_text("AUTONOMY_KEEP_NIGHTS") or "7"),
        run_retention_days=int(_text("AUTONOMY_RUN_RETENTION_DAYS") or "90"),
        nightly_cron=_text("AUTONOMY_NIGHTLY_CRON") or "30 4 * * *",
        smtp_host=_text("AUTONOMY_SMTP_HOST"),
        smtp_port=int(_text("AUTONOMY_SMTP_PORT") or "587"),
        smtp_user=_text("AUTONOMY_SMTP_USER"),
        smtp_password=os.environ.get("AUTONOMY_SMTP_PASSWORD") or None,
        smtp_from=_text("AUTONOMY_SMTP_FROM"),
        smtp_to=tuple(a.strip() for a in (_text("AUTONOMY_SMTP_TO") or "").split(",") if a.strip()),
        smtp_starttls=_flag("AUTONOMY_SMTP_STARTTLS", True),
        alert_webhook_url=_text("AUTONOMY_ALERT_WEBHOOK_URL"),
        dagster_home=_text("DAGSTER_HOME"),
        opendata_dir_override=_path("AUTONOMY_OPENDATA_DIR", None) if _text("AUTONOMY_OPENDATA_DIR") else None,
        opendata_mirror=_path("AUTONOMY_OPENDATA_MIRROR", None) if _text("AUTONOMY_OPENDATA_MIRROR") else None,
    )
