-- comparaisons.html: one row per metropolitan département outline (marts.territory_outlines) and
-- official rate, with the rate in its latest year with ranked départements. A département the DREES
-- prints only as part of a whole that year (Corsica) takes the value of that whole (value_code,
-- value_name); role says which outlines the map draws thick (the département and its neighbour).
with latest as (
    select indicator_code, max(year) as year
    from {{ ref('official_rates') }}
    where rank_france is not null
    group by indicator_code
),

rates as (
    select r.*, count(r.rank_france) over (partition by r.indicator_code) as ranked_france
    from {{ ref('official_rates') }} as r
    inner join latest using (indicator_code, year)
    where r.rank_france is not null
)

select
    o.territory_code,
    o.territory_name,
    o.geometry_geojson,
    o.edition as outline_edition,
    o.source_file as outline_file,
    l.indicator_code,
    l.year,
    coalesce(r.territory_code, w.territory_code) as value_code,
    coalesce(r.territory_name, w.territory_name) as value_name,
    coalesce(r.numerator, w.numerator) as numerator,
    coalesce(r.rate_per_1000, w.rate_per_1000) as rate_per_1000,
    coalesce(r.rank_france, w.rank_france) as rank_france,
    coalesce(r.ranked_france, w.ranked_france) as ranked_france,
    coalesce(r.numerator_edition, w.numerator_edition) as numerator_edition,
    coalesce(r.denominator_edition, w.denominator_edition) as denominator_edition,
    coalesce(r.population_reference_date, w.population_reference_date) as population_reference_date,
    p.role
from {{ ref('territory_outlines') }} as o
inner join {{ ref('mart_territories') }} as t on t.territory_code = o.territory_code
cross join latest as l
left join rates as r on r.territory_code = o.territory_code and r.indicator_code = l.indicator_code
left join rates as w
  on r.territory_code is null and w.indicator_code = l.indicator_code
 and w.territory_level = 'department_whole' and w.region_code = t.region_code
left join {{ ref('rpt_reports__places') }} as p on p.territory_code = o.territory_code and p.role in ('focus', 'neighbour')
where o.territory_level = 'department'
order by l.indicator_code, o.territory_code
