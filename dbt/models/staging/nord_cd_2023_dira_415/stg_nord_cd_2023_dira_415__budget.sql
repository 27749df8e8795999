select
    document_id,
    source_line,
    row_number as printed_row,
    operation_code,
    envelope_code,
    cast(authorised_eur as decimal(16, 2)) as authorised_eur,
    cast(already_committed_eur as decimal(16, 2)) as already_committed_eur,
    cast(proposed_eur as decimal(16, 2)) as proposed_eur
from {{ source('nord_cd_2023_dira_415', 'nord_budget_2023') }}
