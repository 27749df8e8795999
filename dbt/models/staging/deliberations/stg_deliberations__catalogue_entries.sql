select
    table_id,
    document_id,
    kind,
    title,
    header_line,
    last_line,
    expected_rows,
    row_count
from {{ source('deliberations', 'catalogue_entries') }}
