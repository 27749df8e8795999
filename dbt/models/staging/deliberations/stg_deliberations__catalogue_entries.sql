select
    table_id,
    document_id,
    entry_type,
    kind,
    title,
    header_line,
    last_line,
    expected_rows,
    row_count,
    column_count,
    entry_line
from {{ source('deliberations', 'catalogue_entries') }}
