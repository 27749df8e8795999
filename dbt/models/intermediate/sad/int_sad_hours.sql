-- Activity hours per home-care service (SAD) and year, by source of hours:
--   * 'fap_annex': the APA hours billed through FAP as every envelope annex prints them (kind
--     sad_envelope_annex: the hours of its hours_year), one set per annex loaded. When two annexes
--     print the same year's hours, the latest document's (deliberation date, then document id) are
--     the year's reference (is_year_reference); each published envelope is still split on the hours
--     of its own annex (macro envelope_hours_join).
--   * 'fap_exports': the APA hours billed in the monthly FAP exports (int_fap__sad_hours_yearly),
--     complete years only (all 12 months present for the département), SAD named and placed as the
--     FAP registry names them; a SAD that billed no APA hours that year has no row.
-- The activity and allocation marts take any source without change.
with annex as (
    select * from {{ ref('stg_deliberations__sad_envelope_annex') }}
    where not is_total
),

-- the latest annex printing each year's hours of a département
reference_annex as (
    select a.table_id
    from (select distinct department_code, hours_year, document_id, table_id from annex) as a
    inner join {{ ref('stg_deliberations__documents') }} as d on d.document_id = a.document_id
    qualify row_number() over (
        partition by a.department_code, a.hours_year order by d.deliberation_date desc, a.document_id desc, a.table_id desc
    ) = 1
),

fap as (
    select * from {{ ref('int_fap__sad_hours_yearly') }}
    where department_months_reported = 12 and apa_hours_billed > 0
)

select
    'fap_annex' as hours_source,
    a.department_code,
    a.hours_year as year,
    a.sad_name,
    a.city,
    a.hours_billed as hours,
    a.activity_share_pct as share_published_pct,
    a.document_id,
    a.table_id,
    a.source_line,
    r.table_id is not null as is_year_reference
from annex as a
left join reference_annex as r on r.table_id = a.table_id
union all
select
    'fap_exports' as hours_source,
    cast(department_code as varchar) as department_code,
    year,
    sad_name,
    city,
    apa_hours_billed as hours,
    cast(null as decimal(7, 2)) as share_published_pct,
    cast(null as varchar) as document_id,
    cast(null as varchar) as table_id,
    cast(null as integer) as source_line,
    true as is_year_reference
from fap
