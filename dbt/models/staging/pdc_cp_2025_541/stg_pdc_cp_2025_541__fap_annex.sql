select
    document_id,
    source_line,
    row_number as printed_row,
    is_total,
    '62' as department_code,
    city,
    sad_name,
    cast(apa_hours_2024 as decimal(12, 2)) as apa_hours_billed_2024,
    cast(activity_share_2024_pct as decimal(7, 2)) as activity_share_2024_pct,
    cast(envelope_2024_eur as decimal(14, 2)) as envelope_2024_eur,
    cast(envelope_2025_eur as decimal(14, 2)) as envelope_2025_eur
from {{ source('pdc_cp_2025_541', 'fap_annex') }}
