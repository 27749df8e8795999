select
    document_id,
    source_line,
    row_number as printed_row,
    is_total,
    '59' as department_code,
    sad_name,
    city,
    cast(amount_eur as decimal(14, 2)) as amount_eur,
    cast(elderly_pa_eur as decimal(14, 2)) as elderly_pa_eur,
    cast(disabled_ph_eur as decimal(14, 2)) as disabled_ph_eur
from {{ source('nord_cd_2023_dira_415', 'nord_annex4_quality_complement_2023') }}
