-- Rates computed from the official files for every département, région, France métropolitaine
-- (FRMET), DROM and France (FR), every year both sides exist.
-- Year convention (asdep, DREES): beneficiaries at 31 December of year N (APA: paid for December)
-- over the population at 1 January of N+1 (population_reference_date); spending of year N over
-- the same population or over the beneficiaries at 31 December of N.
-- Régions, FRMET, DROM and FR are weighted: the sum of their départements' numerators over the
-- sum of the same départements' denominators (only départements where both exist), never a
-- mean of rates. Numerators come from the latest edition of each DREES publication.
with definitions as (
    select * from {{ ref('official_rate_definitions') }}
),

territories as (
    select * from {{ ref('mart_territories') }}
),

numerators as (
    select d.indicator_code, n.territory_code, n.year, n.value as numerator, n.edition
    from definitions as d
    inner join {{ ref('int_opendata__numerators') }} as n on n.measure_code = d.numerator_measure
),

population as (
    select territory_code, reference_date, age_min, age_max, population, edition
    from {{ ref('int_opendata__population_ranges') }}
    union all
    -- Corsica printed whole (20) by DREES: its population is 2A + 2B
    select '20', reference_date, age_min, age_max, sum(population), max(edition)
    from {{ ref('int_opendata__population_ranges') }}
    where territory_code in ('2A', '2B')
    group by all
    having count(*) = 2
),

denominators as (
    select d.indicator_code, p.territory_code, year(p.reference_date) - 1 as year, p.population as denominator,
           p.edition, p.reference_date
    from definitions as d
    inner join population as p
      on d.denominator = 'population' and p.age_min = coalesce(d.age_min, 0)
     and p.age_max is not distinct from d.age_max
    union all
    select d.indicator_code, n.territory_code, n.year, n.value, n.edition, null
    from definitions as d
    inner join {{ ref('int_opendata__numerators') }} as n
      on d.denominator = 'beneficiaries:' || n.measure_code
),

departments as (
    select
        n.indicator_code, n.territory_code, n.year, n.numerator, den.denominator,
        n.edition as numerator_edition, den.edition as denominator_edition, den.reference_date,
        t.region_code, t.is_metropolitan
    from numerators as n
    inner join denominators as den using (indicator_code, territory_code, year)
    inner join territories as t
      on t.territory_code = n.territory_code and t.territory_level in ('department', 'department_whole')
    where den.denominator > 0
),

aggregates as (
    select indicator_code, territory_code, year, numerator, denominator, numerator_edition, denominator_edition,
           reference_date, region_code
    from departments
    union all
    select indicator_code, 'R' || region_code, year, sum(numerator), sum(denominator), max(numerator_edition),
           max(denominator_edition), max(reference_date), region_code
    from departments
    group by indicator_code, region_code, year
    union all
    select indicator_code, case when is_metropolitan then 'FRMET' else 'DROM' end, year, sum(numerator),
           sum(denominator), max(numerator_edition), max(denominator_edition), max(reference_date), null
    from departments
    group by all
    union all
    select indicator_code, 'FR', year, sum(numerator), sum(denominator), max(numerator_edition),
           max(denominator_edition), max(reference_date), null
    from departments
    group by indicator_code, year
),

rated as (
    select
        a.*,
        d.indicator_label,
        d.unit,
        d.age_min as denominator_age_min,
        d.age_max as denominator_age_max,
        a.numerator * d.scale / a.denominator as rate,
        t.territory_name,
        t.territory_level
    from aggregates as a
    inner join definitions as d using (indicator_code)
    inner join territories as t using (territory_code)
)

select
    territory_code,
    territory_name,
    territory_level,
    region_code,
    year,
    indicator_code,
    indicator_label,
    cast(numerator as decimal(18, 2)) as numerator,
    cast(denominator as decimal(18, 2)) as denominator,
    denominator_age_min,
    denominator_age_max,
    reference_date as population_reference_date,
    case when unit = 'per_1000' then cast(round(rate, 4) as decimal(12, 4)) end as rate_per_1000,
    case when unit = 'eur' then cast(round(rate, 2) as decimal(12, 2)) end as amount_eur,
    case when territory_level in ('department', 'department_whole')
         then rank() over (partition by indicator_code, year, territory_level in ('department', 'department_whole') order by rate desc) end as rank_france,
    case when territory_level in ('department', 'department_whole')
         then rank() over (partition by indicator_code, year, region_code, territory_level in ('department', 'department_whole') order by rate desc) end as rank_region,
    numerator_edition,
    denominator_edition
from rated
