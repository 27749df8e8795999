-- One row per home-care service (SAD), year and source of hours: hours, share of the
-- département's hours, rank and cumulative share. A federation row (ADMR) stays one row and
-- carries the number of associations it stands for.
with hours as (
    -- one set of hours per source, département and year (the latest annex printing a year's hours)
    select * from {{ ref('int_sad_hours') }}
    where is_year_reference
),

federations as (
    select * from {{ ref('int_sad__federations') }}
),

ranked as (
    select
        h.*,
        sum(h.hours) over (partition by h.hours_source, h.department_code, h.year) as total_hours,
        row_number() over (
            partition by h.hours_source, h.department_code, h.year
            order by h.hours desc, h.sad_name asc, h.city asc
        ) as rank,
        sum(h.hours) over (
            partition by h.hours_source, h.department_code, h.year
            order by h.hours desc, h.sad_name asc, h.city asc
            rows between unbounded preceding and current row
        ) as cumulative_hours
    from hours as h
)

select
    r.department_code,
    cast(r.year as integer) as year,
    r.hours_source,
    r.sad_name,
    r.city,
    cast(r.hours as decimal(12, 2)) as hours_billed,
    cast({{ exact_ratio('r.hours', 'r.total_hours', 6, multiplier=100) }} as decimal(9, 6)) as share_pct,
    cast(r.share_published_pct as decimal(7, 2)) as share_published_pct,
    cast(r.rank as integer) as rank,
    cast({{ exact_ratio('r.cumulative_hours', 'r.total_hours', 6, multiplier=100) }} as decimal(9, 6)) as cumulative_share_pct,
    f.sad_name is not null as is_federation,
    cast(coalesce(f.associations_count, 1) as integer) as associations_count,
    cast(f.associations_source_line as integer) as associations_source_line,
    r.document_id,
    r.source_line,
    k.sad_key
from ranked as r
left join federations as f
    on f.department_code = r.department_code
    and f.sad_name = r.sad_name
-- the stable key (int_sad__keys lists every printed spelling, so this join always finds it)
left join {{ ref('int_sad__keys') }} as k
    on k.department_code = r.department_code
    and k.sad_name = r.sad_name
    and k.city is not distinct from r.city
order by r.department_code, r.year, r.hours_source, r.rank
