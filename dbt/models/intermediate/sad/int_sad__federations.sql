-- One row per federation of associations (e.g. the ADMR federation of a département): a row of
-- an envelope annex that stands for several associations, as a figure of the same document with
-- role federation_associations says (its subject: the federation's name as printed in the
-- annex). Read once here, from the latest document printing it; labels, activity and reports
-- use it.
with annex_rows as (
    select distinct document_id, department_code, sad_name
    from {{ ref('stg_deliberations__sad_envelope_annex') }}
    where not is_total
)

select
    a.department_code,
    a.sad_name,
    cast(p.value as integer) as associations_count,
    p.document_id as associations_document_id,
    cast(p.source_line as integer) as associations_source_line,
    p.quote as associations_quote
from {{ ref('stg_deliberations__prose_figures') }} as p
inner join annex_rows as a on a.document_id = p.document_id and a.sad_name = p.subject
inner join {{ ref('stg_deliberations__documents') }} as d on d.document_id = p.document_id
where p.role = 'federation_associations'
qualify row_number() over (partition by a.department_code, a.sad_name order by d.deliberation_date desc, p.source_line asc) = 1
