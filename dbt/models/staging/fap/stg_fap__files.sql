select
    month,
    cast(left(month, 4) as integer) as year,
    file_name,
    sha256,
    size_bytes,
    row_count,
    hours_billed,
    amount_eur,
    loaded_at,
    run_id,
    synthetic
from {{ source('fap', 'fap_files') }}
