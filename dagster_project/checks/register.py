"""The versioned register of acknowledged discrepancies (raw/acknowledged_discrepancies.yml).

The data team acknowledges a discrepancy it has reviewed, with a reason. An entry may pin the
published and computed values: if either changes, the acknowledgement no longer applies and the
discrepancy shows as failed again.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import yaml

from ..core.errors import InputError

REGISTER_FILE = "acknowledged_discrepancies.yml"


@dataclass(frozen=True)
class Acknowledgement:
    check_id: str
    reason: str
    acknowledged_by: str
    acknowledged_on: str
    published_value: Decimal | None = None
    computed_value: Decimal | None = None

    def applies_to(self, published: Decimal | None, computed: Decimal | None) -> bool:
        if self.published_value is not None and published != self.published_value:
            return False
        if self.computed_value is not None and computed is not None:
            # pinned to the printed precision of the pin itself
            exponent = self.computed_value.as_tuple().exponent
            if computed.quantize(Decimal(1).scaleb(exponent)) != self.computed_value:
                return False
        return True


def load_register(raw_dir: Path) -> dict[str, Acknowledgement]:
    path = raw_dir / REGISTER_FILE
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    register = {}
    for index, entry in enumerate(data.get("acknowledged") or [], start=1):
        missing = [k for k in ("check_id", "reason", "acknowledged_by", "acknowledged_on") if not entry.get(k)]
        if missing:
            raise InputError(f"entry #{index} lacks {', '.join(missing)}", file=str(path), value=str(entry.get("check_id")))
        if entry["check_id"] in register:
            raise InputError("check acknowledged twice", file=str(path), value=entry["check_id"])
        register[entry["check_id"]] = Acknowledgement(
            check_id=entry["check_id"],
            reason=str(entry["reason"]).strip(),
            acknowledged_by=str(entry["acknowledged_by"]),
            acknowledged_on=str(entry["acknowledged_on"]),
            published_value=None if entry.get("published_value") is None else Decimal(str(entry["published_value"])),
            computed_value=None if entry.get("computed_value") is None else Decimal(str(entry["computed_value"])),
        )
    return register
