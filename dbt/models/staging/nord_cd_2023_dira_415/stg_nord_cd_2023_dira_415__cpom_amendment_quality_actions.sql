select
    document_id,
    source_line,
    row_number as printed_row,
    objective as objective_printed,
    sub_objective as sub_objective_printed,
    actions as actions_printed
from {{ source('nord_cd_2023_dira_415', 'nord_cpom_amendment_quality_actions') }}
