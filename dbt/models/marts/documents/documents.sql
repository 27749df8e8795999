-- The deliberations the warehouse reads, one row per document: what a footnote names (number,
-- body, collectivity, date). Reports cite documents from here, not from staging.
select
    document_id,
    deliberation_number,
    body,
    collectivity,
    deliberation_date,
    department_code,
    title
from {{ ref('stg_deliberations__documents') }}
order by document_id
