-- One row per rate and territory: the rate recomputed from its numerator and denominator
-- (reference.rate_definitions says which, in one place) beside the printed value.
with definitions as (
    select * from {{ ref('rate_definitions') }}
),

measures as (
    select * from {{ ref('int_rate_measures') }}
),

published as (
    select * from {{ ref('int_indicator_figures') }}
),

territories as (
    select * from {{ ref('mart_territories') }}
),

rate_territories as (
    -- computable rates: wherever the numerator exists; the others: wherever they are printed
    select d.rate_code, n.territory_code
    from definitions as d
    inner join measures as n on n.measure_code = d.numerator_measure
    where d.formula <> 'not_recomputable'
    union all
    select d.rate_code, p.territory_code
    from definitions as d
    inner join published as p on p.indicator_code = d.published_indicator_code
    where d.formula = 'not_recomputable'
),

located as (
    -- the territory whose denominator each rate uses: 'region' is the rate's région (R + its
    -- COG code; a région is its own)
    select
        r.*,
        case
            when d.denominator_territory = 'region'
                then case when t.territory_level = 'region' then t.territory_code else 'R' || t.region_code end
            else coalesce(d.denominator_territory, r.territory_code)
        end as denominator_territory_code
    from rate_territories as r
    inner join definitions as d on d.rate_code = r.rate_code
    left join territories as t on t.territory_code = r.territory_code
),

inputs as (
    select
        d.*,
        r.territory_code,
        r.denominator_territory_code,
        n.measure_label as numerator_label,
        n.value as numerator,
        n.source as numerator_source,
        n.reference_period as numerator_reference_period,
        n.document_id as numerator_document_id,
        n.source_lines as numerator_source_lines,
        m.value as denominator,
        m.source as denominator_source,
        m.reference_period as denominator_reference_period,
        m.document_id as denominator_document_id,
        m.source_lines as denominator_source_lines
    from located as r
    inner join definitions as d on d.rate_code = r.rate_code
    left join measures as n
        on n.measure_code = d.numerator_measure
        and n.territory_code = r.territory_code
    left join measures as m
        on m.measure_code = d.denominator_measure
        and m.territory_code = r.denominator_territory_code
    where (d.territory_scope is null or r.territory_code = d.territory_scope)
        -- a territory is not compared with itself (France's rate against France's)
        and r.territory_code is distinct from d.denominator_territory
),

computed as (
    select
        *,
        cast(case formula
            when 'ratio' then cast(numerator as double) / cast(denominator as double) * scale
            when 'growth' then (cast(numerator as double) / cast(denominator as double) - 1) * scale
            when 'difference' then numerator - denominator
            when 'measure' then numerator
        end as decimal(24, 8)) as value_computed
    from inputs
),

plain_means as (
    -- what a plain mean of the printed département values gives (regions print this sometimes)
    select p.indicator_code, 'R' || t.region_code as territory_code, avg(p.value) as plain_mean
    from published as p
    inner join territories as t
        on t.territory_code = p.territory_code
        and t.territory_level = 'department'
    group by p.indicator_code, 'R' || t.region_code
)

select
    c.rate_code,
    c.rate_label_fr,
    c.formula,
    c.territory_code,
    t.territory_name,
    t.territory_level,
    c.numerator_measure,
    c.numerator_label,
    c.numerator,
    c.numerator_source,
    c.numerator_reference_period,
    c.numerator_document_id,
    c.numerator_source_lines,
    c.denominator_measure,
    case when c.denominator_measure is not null then c.denominator_territory_code end as denominator_territory_code,
    c.denominator_label_fr,
    c.denominator_age_band,
    c.denominator,
    c.denominator_source,
    c.denominator_reference_period,
    c.denominator_document_id,
    c.denominator_source_lines,
    cast(c.scale as integer) as scale,
    c.unit,
    c.value_computed,
    cast(p.value as decimal(18, 4)) as value_published,
    p.document_id as published_document_id,
    cast(p.source_line as integer) as published_source_line,
    cast(p.printed_decimals as integer) as printed_decimals,
    cast(round(c.value_computed * pow(10, p.printed_decimals)) / pow(10, p.printed_decimals) as decimal(24, 8))
        as value_computed_rounded,
    cast(c.value_computed - p.value as decimal(24, 8)) as delta,
    case
        when t.territory_level = 'region' and c.denominator_territory is null
            then cast(pm.plain_mean as decimal(24, 8))
    end as published_departments_plain_mean,
    c.definition_fr,
    c.not_recomputable_reason_fr
from computed as c
left join territories as t on t.territory_code = c.territory_code
left join published as p
    on p.indicator_code = c.published_indicator_code
    and p.territory_code = c.territory_code
left join plain_means as pm
    on pm.indicator_code = c.published_indicator_code
    and pm.territory_code = c.territory_code
order by c.rate_code, c.territory_code
