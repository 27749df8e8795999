"""The versioned register of acknowledged discrepancies (raw/acknowledged_discrepancies.yml), read
at ingestion into raw.acknowledged_discrepancies; dbt stages it and applies it in SQL
(int_reconciliation__verdicts).

The data team acknowledges a discrepancy it has reviewed, with a reason, for the figures it saw:
every entry pins both the published and the computed value. A check of error severity (our
engines' figures against the document's, seeds/reconciliation/check_kinds.csv) cannot be
acknowledged: such an entry is refused. If either changes, the
acknowledgement no longer applies and the discrepancy shows as failed again. A file that breaks
these rules is refused whole, naming the file, the entry and the field.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyarrow as pa
import yaml

from ...core.errors import InputError
from ...settings import DBT_PROJECT_DIR
from .catalogue import load_catalogue

CHECK_KINDS = DBT_PROJECT_DIR / "seeds" / "reconciliation" / "check_kinds.csv"


def error_kinds(path: Path = CHECK_KINDS) -> set[str]:
    """The check kinds of error severity (our figures against a document's), which no entry may
    acknowledge: the same list dbt's severity_of reads."""
    import csv

    with path.open(encoding="utf-8", newline="") as handle:
        return {row["check_kind"] for row in csv.DictReader(handle) if row["severity"] == "error"}


REGISTER_FILE = "acknowledged_discrepancies.yml"
REQUIRED = ("check_id", "reason", "acknowledged_by", "acknowledged_on", "published_value", "computed_value")
AMOUNT = pa.decimal128(38, 10)
SCHEMA = pa.schema(
    [
        ("check_id", pa.string()),
        ("entry_number", pa.int32()),
        ("reason", pa.string()),
        ("acknowledged_by", pa.string()),
        ("acknowledged_on", pa.string()),
        ("published_value", AMOUNT),
        ("computed_value", AMOUNT),
        ("computed_value_decimals", pa.int32()),
    ]
)
COMMENTS = {
    "check_id": "The acknowledged check (marts.reconciliation_checks.check_id)",
    "entry_number": "1-based position of the entry in acknowledged_discrepancies.yml",
    "reason": "Why the discrepancy is accepted (French)",
    "published_value": "Pinned printed figure: the acknowledgement applies only to it",
    "computed_value": "Pinned computed figure, as written in the register",
    "computed_value_decimals": "Decimals the computed value was pinned with (our figure is rounded to them)",
}


def _pinned(path: Path, index: int, entry: dict, field: str) -> Decimal:
    try:
        value = Decimal(str(entry[field]).strip())
    except (InvalidOperation, ValueError) as exc:
        raise InputError(
            f"entry #{index}: {field} is not a number", file=str(path), column=field, value=str(entry[field])
        ) from exc
    if not value.is_finite() or value.as_tuple().exponent < -10:
        raise InputError(
            f"entry #{index}: {field} must be a finite number with at most 10 decimals",
            file=str(path),
            column=field,
            value=str(entry[field]),
        )
    return value


def load_register(raw_dir: Path, catalogue_path: Path | None = None, listed=None) -> list[dict]:
    """The register's entries as rows of raw.acknowledged_discrepancies (empty without a file).

    listed: the catalogue of the documents the deployment loads; an entry about a table of the
    full catalogue (catalogue_path) that is not listed is ignored, like its document."""
    rows = _read_register(raw_dir)
    if listed is None or catalogue_path is None:
        return rows
    ignored = set(load_catalogue(catalogue_path).table_ids) - set(listed.table_ids)
    return [row for row in rows if row["check_id"].split(".")[0] not in ignored]


def _read_register(raw_dir: Path) -> list[dict]:
    path = raw_dir / REGISTER_FILE
    if not path.exists():
        return []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {exc}", file=str(path)) from exc
    entries = data.get("acknowledged") if isinstance(data, dict) else None
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise InputError("`acknowledged` must be a list of entries", file=str(path))
    rows, seen = [], set()
    for index, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise InputError(f"entry #{index} is not a mapping", file=str(path), value=str(entry))
        missing = [k for k in REQUIRED if entry.get(k) is None or str(entry.get(k)).strip() == ""]
        if missing:
            raise InputError(
                f"entry #{index} lacks {', '.join(missing)} (an acknowledgement pins both the published and the computed value)",
                file=str(path),
                column=missing[0],
                value=str(entry.get("check_id")),
            )
        check_id = str(entry["check_id"]).strip()
        kind = check_id.split(".")[1] if check_id.count(".") >= 2 else None
        if kind in error_kinds():
            raise InputError(
                f"entry #{index}: {check_id} is an error-severity check ({kind}: our figures against the document's); "
                "it cannot be acknowledged: fix our figures (or the input they are computed from) instead",
                file=str(path),
                column="check_id",
                value=check_id,
            )
        if check_id in seen:
            raise InputError(f"entry #{index}: check acknowledged twice", file=str(path), column="check_id", value=check_id)
        seen.add(check_id)
        computed = _pinned(path, index, entry, "computed_value")
        rows.append(
            {
                "check_id": check_id,
                "entry_number": index,
                "reason": str(entry["reason"]).strip(),
                "acknowledged_by": str(entry["acknowledged_by"]).strip(),
                "acknowledged_on": str(entry["acknowledged_on"]).strip(),
                "published_value": _pinned(path, index, entry, "published_value"),
                "computed_value": computed,
                "computed_value_decimals": max(0, -computed.as_tuple().exponent),
            }
        )
    return rows


def register_table(rows: list[dict]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=SCHEMA)
