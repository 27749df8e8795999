select
    document_id,
    source_line,
    text as line_text
from {{ source('deliberations', 'document_lines') }}
