-- The envelope columns of every envelope annex (kind sad_envelope_annex) in long form: one row
-- per annex row (SAD or TOTAL) and envelope it prints: the envelope of the table's
-- envelope_year (column envelope_eur) and, when printed, the previous year's (column
-- previous_envelope_eur, as that year's annex published it). envelope_id is
-- <département>_<year>: the same envelope printed by two documents has one id.
with annex as (
    select * from {{ ref('stg_deliberations__sad_envelope_annex') }}
)

select
    department_code || '_' || cast(envelope_year as varchar) as envelope_id,
    table_id,
    document_id,
    source_line,
    is_total,
    department_code,
    sad_name,
    city,
    'envelope_eur' as column_name,
    envelope_year as year,
    envelope_eur as amount_eur
from annex
union all
select
    department_code || '_' || cast(envelope_year - 1 as varchar),
    table_id,
    document_id,
    source_line,
    is_total,
    department_code,
    sad_name,
    city,
    'previous_envelope_eur',
    envelope_year - 1,
    previous_envelope_eur
from annex
where table_id in (
    select printed.table_id
    from annex as printed
    where printed.previous_envelope_eur is not null
)
