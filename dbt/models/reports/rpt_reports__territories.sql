-- Every territory a report names, with how a French sentence names it, and which one the
-- reports are about: the département of var department_code (AUTONOMY_DEPARTMENT_CODE, '62'
-- by default) and its région. Reports take every display name from here, not from code.
with focus as (
    select territory_code, region_code
    from {{ ref('territories') }}
    where territory_code = '{{ var("department_code") }}'
)

select
    t.territory_code,
    t.territory_name,
    t.territory_level,
    t.region_code,
    l.name_of_fr,
    l.name_in_fr,
    -- départements first (in code order), then the région, then the country: the order of
    -- the comparison charts, the references last
    cast(case t.territory_level when 'department' then 0 when 'region' then 1 else 2 end as integer) as level_order,
    coalesce(t.territory_code = f.territory_code, false) as is_focus,
    coalesce(t.territory_level = 'region' and t.territory_code = f.region_code, false) as is_focus_region
from {{ ref('territories') }} as t
left join {{ ref('territory_labels') }} as l on l.territory_code = t.territory_code
left join focus as f on true
order by level_order, t.territory_code
