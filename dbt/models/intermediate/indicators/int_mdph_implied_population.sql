-- The population behind each territory's MDPH "rights per 1000 inhabitants". The document
-- prints none: each rate, rounded to its printed decimals, bounds it; the implied population is
-- the middle of the interval that every rate of the territory allows (NULL when none does).
with figures as (
    select f.*
    from {{ ref('int_indicator_figures') }} as f
    inner join {{ ref('stg_deliberations__catalogue_entries') }} as e
        on e.table_id = f.table_id and e.kind = 'mdph_rights_per_1000'
),

pairs as (
    select
        rate.territory_code,
        rate.document_id,
        rate.source_line,
        rate.reference_period,
        rate.source,
        cast(rights.value as double) as rights_open,
        cast(rate.value as double) as rate_per_1000,
        0.5 * pow(10, -rate.printed_decimals) as half_unit
    from figures as rate
    inner join figures as rights
        on rights.territory_code = rate.territory_code
        and rights.source_line = rate.source_line
        and rights.indicator_code = replace(rate.indicator_code, 'mdph_rights_per_1000__', 'mdph_rights_open__')
    where rate.indicator_code like 'mdph_rights_per_1000\_\_%' escape '\'
),

bounds as (
    select
        territory_code,
        any_value(document_id) as document_id,
        any_value(reference_period) as reference_period,
        any_value(source) as source,
        max(rights_open * 1000 / (rate_per_1000 + half_unit)) as population_min,
        min(case when rate_per_1000 > half_unit then rights_open * 1000 / (rate_per_1000 - half_unit) end) as population_max,
        count(*) as rates_used,
        list(cast(source_line as integer) order by source_line) as source_lines
    from pairs
    group by territory_code
)

select
    territory_code,
    document_id,
    reference_period,
    source,
    cast(ceil(population_min) as bigint) as population_min,
    cast(floor(population_max) as bigint) as population_max,
    case
        when population_min <= population_max
            then cast(round((population_min + population_max) / 2) as bigint)
    end as population_implied,
    cast(rates_used as integer) as rates_used,
    source_lines
from bounds
