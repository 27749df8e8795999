-- comparaisons.html: every year of every official rate for the compared territories
-- (rpt_reports__places: the département, its neighbour, its région, France métropolitaine, France).
select
    r.territory_code,
    r.territory_name,
    r.territory_level,
    r.region_code,
    r.year,
    r.indicator_code,
    r.numerator,
    r.denominator,
    r.rate_per_1000,
    r.rank_france,
    r.rank_region,
    r.numerator_edition,
    r.denominator_edition,
    r.population_reference_date,
    p.role
from {{ ref('official_rates') }} as r
inner join {{ ref('rpt_reports__places') }} as p using (territory_code)
order by r.indicator_code, r.year, p.display_order
