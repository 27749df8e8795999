select
    document_id,
    source_line,
    operation_code,
    budget_imputation,
    operation_label,
    cast(credits_eur as decimal(14, 2)) as credits_eur,
    cast(available_eur as decimal(14, 2)) as available_eur,
    cast(proposed_eur as decimal(14, 2)) as proposed_eur,
    cast(balance_eur as decimal(14, 2)) as balance_eur
from {{ source('pdc_cp_2025_541', 'budget_report_2025_541') }}
