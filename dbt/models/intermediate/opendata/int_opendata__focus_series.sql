-- The official series of the reports' département (var department_code) that the figures printed
-- in the deliberations are compared with: one row per series, year and edition, with the
-- convention it follows. Populations at 1 January of the year; beneficiaries at 31 December.
with population as (
    select reference_date, edition, publication_id, age_min, age_max, population
    from {{ ref('population') }}
    where territory_code = '{{ var("department_code") }}' and sex = 'all' and is_latest_edition
),

bands as (
    select
        year(reference_date) as year, edition, publication_id,
        sum(population) filter (where age_min >= 75) as aged_75plus,
        sum(population) filter (where age_min >= 65) as aged_65plus,
        sum(population) filter (where age_max is not null and age_max <= 19) as aged_0_19,
        sum(population) filter (where age_min = 0 and age_max is null) as total,
        bool_or(age_min = 65) as has_65,
        bool_or(age_max = 19) as has_19
    from population
    group by all
),

beneficiaries as (
    select measure_code, year, value, edition
    from {{ ref('aid_beneficiaries') }}
    where territory_code = '{{ var("department_code") }}' and is_latest_edition
)

select 'population_75plus' as series_code, year, cast(aged_75plus as decimal(38, 10)) as value, edition,
       'INSEE ' || publication_id || ', population de 75 ans ou plus au 1er janvier' as convention
from bands
where aged_75plus is not null
union all
select 'population_75plus_share', year, cast(100.0 * aged_75plus / total as decimal(38, 10)), edition,
       'INSEE ' || publication_id || ', 75 ans ou plus / population totale × 100, au 1er janvier'
from bands
where aged_75plus is not null and total > 0
union all
select 'ageing_index', year, cast(100.0 * aged_65plus / aged_0_19 as decimal(38, 10)), edition,
       'INSEE ' || publication_id || ', 65 ans ou plus / 0-19 ans × 100, au 1er janvier'
from bands
where has_65 and has_19 and aged_0_19 > 0
union all
select 'rate:' || indicator_code, year, cast(rate_per_1000 as decimal(38, 10)),
       numerator_edition || ' / INSEE ' || denominator_edition,
       'DREES et INSEE : bénéficiaires au 31 décembre de l''année / population au 1er janvier suivant × 1000'
from {{ ref('official_rates') }}
where territory_code = '{{ var("department_code") }}' and rate_per_1000 is not null
union all
select 'beneficiaries:' || measure_code, year, cast(value as decimal(38, 10)), edition,
       'DREES, bénéficiaires au 31 décembre (APA : payés au titre de décembre)'
from beneficiaries
union all
select 'apa_home_share', h.year, cast(100.0 * h.value / t.value as decimal(38, 10)), h.edition,
       'DREES, APA à domicile / APA × 100, au 31 décembre'
from beneficiaries as h
inner join beneficiaries as t on t.year = h.year and t.edition = h.edition and t.measure_code = 'apa'
where h.measure_code = 'apa_home' and t.value > 0
