-- Every quantity a rate can use, one row per measure and territory: the printed figures, the
-- regional sums of additive département figures (a région's count is the sum of its
-- départements, never the printed total), the derived measures of reference.derived_measures,
-- and the population implied by the MDPH table.
with figures as (
    select
        indicator_code as measure_code,
        territory_code,
        cast(value as decimal(24, 8)) as value,
        unit,
        indicator_label as measure_label,
        source,
        reference_period,
        document_id,
        [cast(source_line as integer)] as source_lines,
        'printed' as derivation
    from {{ ref('int_indicator_figures') }}
),

departments as (
    -- the région of each département (COG), as marts name régions: R + its code
    select territory_code, 'R' || region_code as region_code
    from {{ ref('mart_territories') }}
    where territory_level = 'department'
),

region_sizes as (
    select region_code, count(*) as departments
    from departments
    group by region_code
),

regional_sums as (
    select
        f.measure_code,
        d.region_code as territory_code,
        sum(f.value) as value,
        any_value(f.unit) as unit,
        any_value(f.measure_label) as measure_label,
        any_value(f.source) as source,
        any_value(f.reference_period) as reference_period,
        any_value(f.document_id) as document_id,
        list_sort(flatten(list(f.source_lines))) as source_lines,
        'regional_sum' as derivation
    from figures as f
    inner join departments as d on d.territory_code = f.territory_code
    inner join region_sizes as s on s.region_code = d.region_code
    where f.unit in ('count', 'eur')
    group by f.measure_code, d.region_code, s.departments
    having count(distinct f.territory_code) = s.departments
),

base as (
    select f.*
    from figures as f
    anti join regional_sums as r
        on r.measure_code = f.measure_code
        and r.territory_code = f.territory_code
    union all
    select * from regional_sums
),

components as (
    select
        measure_code,
        measure_label_fr,
        trim(unnest(string_split(component_measures, '+'))) as component,
        len(string_split(component_measures, '+')) as component_count
    from {{ ref('derived_measures') }}
),

derived as (
    select
        c.measure_code,
        b.territory_code,
        sum(b.value) as value,
        case when count(distinct b.unit) = 1 then any_value(b.unit) end as unit,
        c.measure_label_fr as measure_label,
        string_agg(distinct b.source, ' + ' order by b.source) as source,
        string_agg(distinct b.reference_period, ' + ' order by b.reference_period) as reference_period,
        string_agg(distinct b.document_id, ' + ' order by b.document_id) as document_id,
        list_sort(list_distinct(flatten(list(b.source_lines)))) as source_lines,
        'derived_sum' as derivation
    from components as c
    inner join base as b on b.measure_code = c.component
    group by c.measure_code, c.measure_label_fr, c.component_count, b.territory_code
    having count(*) = c.component_count
),

implied as (
    select
        'pop_mdph_implied' as measure_code,
        territory_code,
        cast(population_implied as decimal(24, 8)) as value,
        'count' as unit,
        'Population implicite du tableau des droits MDPH' as measure_label,
        source,
        reference_period,
        document_id,
        source_lines,
        'implied' as derivation
    from {{ ref('int_mdph_implied_population') }}
    where population_implied is not null
),

measures as (
    select * from base
    union all
    select * from derived
    union all
    select * from implied
)

select
    measure_code,
    territory_code,
    cast(value as decimal(24, 8)) as value,
    unit,
    measure_label,
    source,
    reference_period,
    document_id,
    source_lines,
    derivation
from measures
