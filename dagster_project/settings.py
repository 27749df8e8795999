"""Where things live. Every path can be overridden from the environment, so the same code
runs on another département's files or in a test's temporary directory."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt"


@dataclass(frozen=True)
class Settings:
    raw_dir: Path
    warehouse: Path  # the published file analysts open
    work_dir: Path  # private: the work database, locks, temporary copies
    reports_dir: Path
    disclosure_threshold: int
    # COG code of the département the reports are about (AUTONOMY_DEPARTMENT_CODE, default 62);
    # the same value reaches dbt as the var department_code (dbt_project.yml).
    department_code: str = "62"

    @property
    def deliberations_dir(self) -> Path:
        return self.raw_dir / "deliberations"

    @property
    def catalogue_path(self) -> Path:
        return self.deliberations_dir / "catalogue.yml"

    @property
    def fap_dir(self) -> Path:
        return self.raw_dir / "fap"

    @property
    def work_db(self) -> Path:
        return self.work_dir / "autonomy_work.duckdb"

    @property
    def lock_file(self) -> Path:
        return self.work_dir / "refresh.lock"


def _path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else default


def get_settings() -> Settings:
    warehouse = _path("AUTONOMY_WAREHOUSE", PROJECT_ROOT / "warehouse" / "autonomy.duckdb")
    return Settings(
        raw_dir=_path("AUTONOMY_RAW_DIR", PROJECT_ROOT / "raw"),
        warehouse=warehouse,
        work_dir=_path("AUTONOMY_WORK_DIR", warehouse.parent / ".work"),
        reports_dir=_path("AUTONOMY_REPORTS_DIR", PROJECT_ROOT / "reports"),
        disclosure_threshold=int(os.environ.get("AUTONOMY_DISCLOSURE_THRESHOLD", "5")),
        department_code=os.environ.get("AUTONOMY_DEPARTMENT_CODE", "62").strip() or "62",
    )
