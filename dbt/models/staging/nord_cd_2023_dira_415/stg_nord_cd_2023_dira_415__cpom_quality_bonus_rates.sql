select
    document_id,
    source_line,
    row_number as printed_row,
    action_code,
    cast(bonus_eur_per_hour as decimal(6, 2)) as bonus_eur_per_hour,
    cast(months_2023 as integer) as months_2023,
    cast(amount_2023_eur as decimal(14, 2)) as amount_2023_eur,
    cast(months_2024 as integer) as months_2024,
    cast(amount_2024_eur as decimal(14, 2)) as amount_2024_eur,
    cast(months_2025 as integer) as months_2025,
    cast(amount_2025_eur as decimal(14, 2)) as amount_2025_eur,
    cast(months_2026 as integer) as months_2026,
    cast(amount_2026_eur as decimal(14, 2)) as amount_2026_eur
from {{ source('nord_cd_2023_dira_415', 'nord_cpom_quality_bonus_rates') }}
