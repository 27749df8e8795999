select
    document_id,
    source_line,
    operation_code,
    budget_imputation,
    operation_label,
    cast(credits_eur as decimal(14, 2)) as credits_eur,
    cast(expense_eur as decimal(14, 2)) as expense_eur
from {{ source('pdc_cp_2025_541', 'budget_decision_2025_541') }}
