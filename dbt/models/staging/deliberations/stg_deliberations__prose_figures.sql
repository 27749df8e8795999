select
    document_id,
    table_id,
    figure_id,
    source_line,
    quote,
    raw_text,
    value,
    text_value,
    printed_unit,
    printed_decimals,
    unit,
    label,
    indicator_code,
    territory_code,
    source,
    reference_period
from {{ source('deliberations', 'prose_figures') }}
