select
    document_id,
    line_number as source_line,
    text as line_text
from {{ source('deliberations', 'document_lines') }}
