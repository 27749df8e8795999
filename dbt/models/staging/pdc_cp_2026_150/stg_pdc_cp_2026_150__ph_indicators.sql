select
    document_id,
    source_line,
    row_number as printed_row,
    indicator_label as indicator_label_printed,
    value_pas_de_calais as value
from {{ source('pdc_cp_2026_150', 'ph_indicators') }}
