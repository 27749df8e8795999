select
    document_id,
    slug,
    file,
    sha256,
    title,
    collectivity,
    department_code,
    body,
    deliberation_date,
    deliberation_number,
    line_count,
    byte_count
from {{ source('deliberations', 'documents') }}
