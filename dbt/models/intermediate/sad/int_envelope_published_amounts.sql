-- The amount each SAD received in each published envelope, as printed in the annex.
select
    e.envelope_id,
    a.sad_name,
    a.city,
    cast(a.amount_eur as decimal(14, 2)) as amount_published_eur,
    a.document_id,
    cast(a.source_line as integer) as source_line
from {{ ref('envelope_definitions') }} as e
inner join {{ ref('int_fap_annex_amounts') }} as a
    on a.column_name = e.published_amount_column
    and a.department_code = e.department_code
where not a.is_total
