-- The register of acknowledged discrepancies, as validated at ingestion: both the published and
-- the computed value are pinned, the computed one to the decimals it was written with.
select
    check_id,
    entry_number,
    reason,
    acknowledged_by,
    acknowledged_on,
    published_value,
    computed_value,
    computed_value_decimals
from {{ source('deliberations', 'acknowledged_discrepancies') }}
