-- The territories a comparison report puts side by side, and the role of each, for the département
-- the reports are about (var department_code, AUTONOMY_DEPARTMENT_CODE): the département (focus),
-- the most populous other département of its région at the latest population estimate
-- (neighbour; none in a région of one département), its région, France métropolitaine and
-- France. Names and régions from the COG (marts.territories). No focus row when the COG has no
-- such département: the reports say so.
with focus as (
    select territory_code, region_code
    from {{ ref('mart_territories') }}
    where territory_code = '{{ var("department_code") }}' and territory_level = 'department'
),

neighbour as (
    select p.territory_code
    from {{ ref('population') }} as p
    inner join {{ ref('mart_territories') }} as t
      on t.territory_code = p.territory_code and t.territory_level = 'department'
    inner join focus as f on t.region_code = f.region_code and t.territory_code <> f.territory_code
    where p.sex = 'all' and p.age_min = 0 and p.age_max is null
    order by p.reference_date desc, p.is_latest_edition desc, p.population desc, p.territory_code asc
    limit 1
),

roles as (
    select territory_code, 'focus' as role, 0 as display_order from focus
    union all
    select territory_code, 'neighbour', 1 from neighbour
    union all
    select t.territory_code, 'region', 2
    from {{ ref('mart_territories') }} as t
    inner join focus as f on t.territory_level = 'region' and t.region_code = f.region_code
    union all
    select territory_code, 'metropolitan', 3
    from {{ ref('mart_territories') }}
    where territory_level = 'metropolitan_france'
    union all
    select territory_code, 'country', 4
    from {{ ref('mart_territories') }}
    where territory_level = 'country'
)

select
    r.role,
    cast(r.display_order as integer) as display_order,
    t.territory_code,
    t.territory_name,
    t.territory_level,
    t.region_code,
    t.is_metropolitan
from roles as r
inner join {{ ref('mart_territories') }} as t using (territory_code)
order by r.display_order
