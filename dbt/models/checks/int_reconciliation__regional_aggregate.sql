-- regional_aggregate: a printed regional (TOTAL) rate against the population-weighted aggregate of
-- its départements: sum of numerators / sum of denominators × scale, or, when the numerator is not
-- printed, the départements' rates weighted by their population. The tolerance moves numerator
-- and denominator by the sum of their inputs' roundings. When the printed figure is the plain
-- (unweighted) mean of the départements, the explanation says so.
{%- set aggregate = '{0} / {1} * {2}' %}
with figures as (
    select * from {{ ref('int_reconciliation__figures') }}
    where figure_kind = 'cell'
),

rules as (
    select r.suite, r.document_kind, r.kind, r.name, r.expectation,
           r.published as column_name,
           case when r.inputs is null then [] else string_split(r.inputs, '|') end as numerators,
           string_split(r.weights, '|') as weights,
           cast(r.scale as decimal(18, 4)) as scale
    from ({{ reconciliation_rules_of_type('regional_aggregate') }}) as r
),

-- One row per (rule, département row): its rate, its weight (sum of the weight columns), and
-- the sums of its numerator and weight cells with their roundings.
by_row as (
    select
        rules.suite, rules.name, f.table_id, f.source_line,
        any_value(f.value) filter (where f.kind_column = rules.column_name) as rate,
        any_value(f.rounding) filter (where f.kind_column = rules.column_name) as rate_rounding,
        sum(f.value) filter (where list_contains(rules.weights, f.kind_column)) as weight,
        sum(f.rounding) filter (where list_contains(rules.weights, f.kind_column)) as weight_rounding,
        sum(f.value) filter (where list_contains(rules.numerators, f.kind_column)) as numerator,
        sum(f.rounding) filter (where list_contains(rules.numerators, f.kind_column)) as numerator_rounding
    from rules
    inner join figures as f on f.kind = rules.document_kind and not f.is_total
    group by all
),

sums as (
    select
        rules.suite, rules.name, by_row.table_id,
        count(*) as departements,
        -- numerator: summed when printed, else the rates weighted by the population
        case when len(any_value(rules.numerators)) > 0 then sum(numerator) else sum(rate * weight) end as num,
        case when len(any_value(rules.numerators)) > 0 then sum(numerator_rounding) else sum(rate_rounding * weight) end as num_spread,
        sum(weight) as den,
        sum(weight_rounding) as den_spread,
        case when len(any_value(rules.numerators)) > 0 then any_value(rules.scale) else 1 end as scale,
        sum(rate) / count(*) as plain_mean,
        sum(rate_rounding) / count(*) as plain_mean_spread
    from by_row
    inner join rules using (suite, name)
    group by all
),

evaluated as (
    select
        rules.suite,
        rules.expectation,
        {{ check_id('total.table_id', 'rules.kind', 'rules.name', 'total.source_line') }} as check_id,
        rules.kind as check_kind,
        total.document_id,
        total.source_line,
        total.table_id,
        total.measure,
        total.row_label,
        total.value as published_value,
        total.decimals as published_decimals,
        {{ apply_formula(aggregate, ['sums.num', 'sums.den', 'sums.scale']) }} as computed_value,
        {{ tolerance_corners(aggregate, [('sums.num', 'sums.num_spread'), ('sums.den', 'sums.den_spread'), ('sums.scale', '0')], 'total.decimals', 'total.unit', apply_formula(aggregate, ['sums.num', 'sums.den', 'sums.scale'])) }} as tolerance,
        case when len(rules.numerators) > 0 then 'somme des numérateurs / somme des dénominateurs des lignes'
             else 'moyenne des taux des lignes pondérée par ' || array_to_string(rules.weights, ' + ') end as computed_desc,
        {{ describe_tolerance("'derived_column'", 'total.decimals', unit='total.unit', computed=apply_formula(aggregate, ['sums.num', 'sums.den', 'sums.scale'])) }} as tolerance_desc,
        case when abs(sums.plain_mean - total.value) <= {{ half_unit('total.decimals') }} + sums.plain_mean_spread then
            'Le chiffre régional imprimé est la moyenne simple des ' || sums.departements
            || ' valeurs départementales (' || {{ french_number('sums.plain_mean', 2) }}
            || '), non un agrégat pondéré par la population.'
        end as hint_if_failed
    from rules
    inner join sums using (suite, name)
    inner join figures as total on total.table_id = sums.table_id and total.kind_column = rules.column_name and total.is_total
)

select
    {{ evaluation_columns() }}
from evaluated
