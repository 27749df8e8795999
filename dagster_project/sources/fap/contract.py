"""The FAP monthly export contract (docs/fap_format.md): columns, types, domains.

One definition used by the validator, the loader, the generator and the docs tests.
"""

from __future__ import annotations

import re

SEPARATOR = ";"
# The name of a monthly export: fap_YYYY-MM.csv or fap_YYYY-MM.csv.gz.
EXPORT_PATTERN = re.compile(r"^fap_(?P<month>\d{4}-(?:0[1-9]|1[0-2]))\.csv(?:\.gz)?$")
# Columns of a monthly export, in order.
COLUMNS = (
    "month",
    "sad_id",
    "finess",
    "beneficiary_id",
    "prestation",
    "gir",
    "hours_planned",
    "hours_billed",
    "hourly_rate_eur",
    "amount_eur",
)
NUMERIC_COLUMNS = ("hours_planned", "hours_billed", "hourly_rate_eur", "amount_eur")
PRESTATIONS = ("APA", "PCH", "ASG")
GIR_VALUES = (1, 2, 3, 4, 5, 6)
FINESS_LENGTH = 9
# Digits, then at most two decimals after a comma: no sign, no thousands separator.
NUMBER_PATTERN = r"[0-9]{1,9}(,[0-9]{1,2})?"
AMOUNT_TOLERANCE_EUR = "0.01"  # amount = hours x rate, within a cent

# The SAD registry (raw/fap/sad_registry.csv): links FAP ids to the annex names.
REGISTRY_COLUMNS = ("sad_id", "finess", "department_code", "sad_name", "city")
# The activity profile the sample generator reads (raw/fap/activity_profile_2024.csv).
PROFILE_COLUMNS = ("sad_id", "prestation", "hours_billed", "beneficiaries", "hourly_rate_eur")
