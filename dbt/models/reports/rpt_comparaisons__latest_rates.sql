-- comparaisons.html: each official rate in its latest year with ranked départements, for the
-- compared territories (rpt_reports__places, role) and every ranked département of the focus
-- département's région, with how many départements are ranked in France and in the région.
with rates as (
    select
        r.*,
        count(r.rank_france) over (partition by r.indicator_code, r.year) as ranked_france,
        count(r.rank_region) over (partition by r.indicator_code, r.year, r.region_code) as ranked_region,
        max(r.year) filter (where r.rank_france is not null) over (partition by r.indicator_code) as latest_year
    from {{ ref('official_rates') }} as r
),

places as (
    select * from {{ ref('rpt_reports__places') }}
),

focus as (
    select region_code
    from places
    where role = 'focus'
)

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
    r.ranked_france,
    r.ranked_region,
    r.latest_year,
    p.role
from rates as r
left join places as p using (territory_code)
where
    r.year = r.latest_year
    and (p.role is not null or (r.region_code = (select f.region_code from focus as f) and r.rank_france is not null))
order by r.indicator_code, r.territory_code
