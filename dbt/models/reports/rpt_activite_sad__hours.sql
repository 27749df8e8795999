-- activite_sad.html, hours per SAD: marts.sad_activity with what the charts draw beside each
-- row: the Lorenz point of the SAD (share of services and of hours of the SAD and all smaller
-- ones, from the mart's cumulative share), the title of the printed table its line is in, and
-- for a federation the printed sentence giving its number of associations.
with activity as (
    select
        *,
        year = max(year) over (partition by department_code, hours_source) as is_latest_year,
        count(*) over (partition by department_code, hours_source, year) as services_count,
        lag(cumulative_share_pct) over (partition by department_code, hours_source, year order by rank) as larger_cumulative_share_pct
    from {{ ref('sad_activity') }}
)

select
    a.department_code,
    a.year,
    a.hours_source,
    a.is_latest_year,
    a.sad_key,
    a.rank,
    a.sad_name,
    a.city,
    l.sad_label,
    a.hours_billed,
    a.share_pct,
    a.cumulative_share_pct,
    a.is_federation,
    a.associations_count,
    a.document_id,
    a.source_line,
    cast(a.services_count as integer) as services_count,
    -- this SAD and every smaller one: (n − rank + 1) of the n services...
    cast(a.services_count - a.rank + 1 as integer) as services_up_to_this_count,
    cast((a.services_count - a.rank + 1) * 100 / a.services_count as decimal(9, 6)) as lorenz_services_pct,
    -- ...and their hours: 100 − the cumulative share of the larger ones
    cast(100 - coalesce(a.larger_cumulative_share_pct, 0) as decimal(9, 6)) as lorenz_hours_pct,
    c.title as table_title,
    f.associations_document_id,
    f.associations_source_line,
    f.associations_quote
from activity as a
left join {{ ref('stg_deliberations__catalogue_entries') }} as c
    on c.document_id = a.document_id and a.source_line between c.header_line and c.last_line
left join {{ ref('int_sad__federations') }} as f
    on f.department_code = a.department_code and f.sad_name = a.sad_name
left join {{ ref('int_sad__labels') }} as l on l.sad_key = a.sad_key
order by a.department_code, a.hours_source, a.year, a.rank
