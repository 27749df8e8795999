-- The official series that figures printed in the deliberations are compared with: one row per
-- territory (département, région R<code>, FRMET, DROM, FR), series, year and edition, with the
-- convention it follows. Populations at 1 January of the year; beneficiaries at 31 December.
-- A région's population is the sum of its départements (INSEE prints no région rows).
with department_population as (
    select p.territory_code, t.parent_code as region_code, p.reference_date, p.edition, p.publication_id, p.age_min, p.age_max,
           p.population
    from {{ ref('population') }} as p
    left join {{ ref('mart_territories') }} as t
        on t.territory_code = p.territory_code and t.territory_level = 'department'
    where p.sex = 'all' and p.is_latest_edition
),

population as (
    select territory_code, reference_date, edition, publication_id, age_min, age_max, population
    from department_population
    union all
    select region_code, reference_date, edition, publication_id, age_min, age_max, sum(population)
    from department_population
    where region_code is not null
    group by all
),

bands as (
    select
        territory_code, year(reference_date) as year, edition, publication_id,
        sum(population) filter (where age_min >= 75) as aged_75plus,
        sum(population) filter (where age_min >= 65) as aged_65plus,
        sum(population) filter (where age_min >= 60) as aged_60plus,
        sum(population) filter (where age_max is not null and age_max <= 19) as aged_0_19,
        sum(population) filter (where age_min >= 20 and age_max is not null and age_max <= 59) as aged_20_59,
        sum(population) filter (where age_min = 0 and age_max is null) as total,
        bool_or(age_min = 65) as has_65,
        bool_or(age_max = 19) as has_19,
        bool_or(age_min = 20) and bool_or(age_max = 59) as has_20_59,
        bool_or(age_min = 60) as has_60
    from population
    group by all
),

beneficiaries as (
    select territory_code, measure_code, year, value, edition
    from {{ ref('aid_beneficiaries') }}
    where is_latest_edition
),

series as (
    select territory_code, 'population_75plus' as series_code, year, aged_75plus as value, edition,
           'INSEE ' || publication_id || ', population de 75 ans ou plus au 1er janvier' as convention
    from bands
    where aged_75plus is not null
    union all
    select territory_code, 'population_60plus', year, aged_60plus, edition,
           'INSEE ' || publication_id || ', population de 60 ans ou plus au 1er janvier'
    from bands
    where has_60
    union all
    select territory_code, 'population_0_19', year, aged_0_19, edition,
           'INSEE ' || publication_id || ', population de 0 à 19 ans au 1er janvier'
    from bands
    where has_19
    union all
    select territory_code, 'population_20_59', year, aged_20_59, edition,
           'INSEE ' || publication_id || ', population de 20 à 59 ans au 1er janvier'
    from bands
    where has_20_59
    union all
    select territory_code, 'population_75plus_share', year, 100.0 * aged_75plus / total, edition,
           'INSEE ' || publication_id || ', 75 ans ou plus / population totale × 100, au 1er janvier'
    from bands
    where aged_75plus is not null and total > 0
    union all
    select territory_code, 'ageing_index', year, 100.0 * aged_65plus / aged_0_19, edition,
           'INSEE ' || publication_id || ', 65 ans ou plus / 0-19 ans × 100, au 1er janvier'
    from bands
    where has_65 and has_19 and aged_0_19 > 0
    union all
    select territory_code, 'rate:' || indicator_code, year, rate_per_1000,
           numerator_edition || ' / INSEE ' || denominator_edition,
           'DREES et INSEE : bénéficiaires au 31 décembre de l''année / population au 1er janvier suivant × 1000'
    from {{ ref('official_rates') }}
    where rate_per_1000 is not null
    union all
    select territory_code, 'beneficiaries:' || measure_code, year, value, edition,
           'DREES, bénéficiaires au 31 décembre'
           || case when measure_code like 'apa%' then ' (APA : payés au titre de décembre)' else '' end
    from beneficiaries
    union all
    select h.territory_code, 'apa_home_share', h.year, 100.0 * h.value / t.value, h.edition,
           'DREES, APA à domicile / APA × 100, au 31 décembre'
    from beneficiaries as h
    inner join beneficiaries as t
        on t.territory_code = h.territory_code and t.year = h.year and t.edition = h.edition and t.measure_code = 'apa'
    where h.measure_code = 'apa_home' and t.value > 0
    union all
    -- EHPAD that CNSA's export lists (the count of establishments does not depend on the measure)
    select territory_code, 'cnsa_ehpad_listed', edition_year, establishments_listed, cast(edition_year as varchar),
           'CNSA, EHPAD listés dans l''export des prix déclarés (édition ' || edition_year || ') : un EHPAD qui n''a pas '
           || 'déclaré ses prix n''y figure pas, et l''export est d''une autre année que le document'
    from {{ ref('ehpad_price_summary') }}
    where measure_code = 'price_permanent_single'
)

select territory_code, series_code, year, cast(value as decimal(38, 10)) as value, edition, convention
from series
