-- cross_row, implied populations: in a per-1000 table every row's count / rate implies the
-- population it was computed on. A rate r printed ± h (half a unit) and a count c admit any
-- population in [c / (r + h) ; c / (r − h)] × scale; the rows must share one. The reference is the
-- midpoint of the segment covered by the most intervals (their intersection when it exists: a
-- sweep over the interval ends); each row's rate is recomputed on it. A row whose rate or count
-- is zero or empty implies no population: it is not evaluable, and says why.
with figures as (
    select * from {{ ref('int_reconciliation__figures') }}
    where figure_kind = 'cell'
),

rules as (
    select r.suite, r.document_kind, r.kind, r.name, r.expectation,
           r.published as rate_column, r.inputs as count_column, cast(r.scale as decimal(18, 4)) as scale
    from ({{ reconciliation_rules_of_type('implied_population') }}) as r
),

-- rows printing both a (non-zero) rate and a (non-zero) count, with their population interval
intervals as (
    select
        rules.*,
        rate.table_id, rate.document_id, rate.source_line, rate.measure, rate.row_label,
        rate.value as rate, rate.decimals, {{ half_unit('rate.decimals') }} as h,
        count.value as count,
        count.value / (rate.value + {{ half_unit('rate.decimals') }}) * rules.scale as low,
        count.value / (rate.value - {{ half_unit('rate.decimals') }}) * rules.scale as high
    from rules
    inner join figures as rate on rate.kind = rules.document_kind and rate.kind_column = rules.rate_column and not rate.is_total
    inner join figures as count on count.table_id = rate.table_id and count.source_line = rate.source_line
                      and count.kind_column = rules.count_column
    where rate.value <> 0 and count.value <> 0
),

-- the rows printing a rate that implies no population (a zero or an empty count or rate)
unusable as (
    select
        rules.*,
        rate.table_id, rate.document_id, rate.source_line, rate.measure, rate.row_label,
        rate.value as rate, rate.decimals, {{ half_unit('rate.decimals') }} as h,
        count.value as count
    from rules
    inner join figures as rate on rate.kind = rules.document_kind and rate.kind_column = rules.rate_column and not rate.is_total
    left join figures as count on count.table_id = rate.table_id and count.source_line = rate.source_line
                     and count.kind_column = rules.count_column
    where rate.value is not null and (rate.value = 0 or count.value is null or count.value = 0)
),

-- interval starts (+1) and ends (−1) in order, starts before ends at the same point
events as (
    select suite, name, table_id, low as point, 0 as is_end from intervals
    union all
    select suite, name, table_id, high as point, 1 as is_end from intervals
),

swept as (
    select
        suite, name, table_id, point, is_end,
        row_number() over (partition by suite, name, table_id order by point, is_end) as position,
        sum(case when is_end = 1 then -1 else 1 end)
            over (partition by suite, name, table_id order by point, is_end rows between unbounded preceding and current row) as depth,
        coalesce(lead(point) over (partition by suite, name, table_id order by point, is_end), point) as following
    from events
),

-- the first start reaching the greatest depth, and the segment up to the next event
reference as (
    select suite, name, table_id, arg_min((point + following) / 2, position) as population
    from swept as s
    where is_end = 0
      and depth = (select max(depth) from swept as x
      where x.suite = s.suite and x.name = s.name and x.table_id = s.table_id and x.is_end = 0)
    group by suite, name, table_id
),

evaluated as (
    select
        i.suite,
        i.expectation,
        {{ check_id('i.table_id', 'i.kind', 'i.name', 'i.source_line') }} as check_id,
        i.kind as check_kind,
        i.document_id,
        i.source_line,
        i.table_id,
        i.measure,
        i.row_label,
        cast(i.rate as decimal(38, 10)) as published_value,
        i.decimals as published_decimals,
        cast(i.count / r.population * i.scale as decimal(38, 10)) as computed_value,
        cast(i.h as decimal(38, 10)) as tolerance,
        {{ french_number('i.count', 0) }} || ' droits / population commune à la plupart des lignes ('
            || {{ french_number('r.population', 0) }} || ' habitants) × 1000' as computed_desc,
        {{ describe_tolerance('i.kind', 'i.decimals') }} as tolerance_desc,
        'Cette ligne implique une population entre ' || {{ french_number('i.low', 0) }} || ' et '
            || {{ french_number('i.high', 0) }} || ' habitants, incompatible avec les autres lignes.' as hint_if_failed
    from intervals as i
    inner join reference as r using (suite, name, table_id)
    union all
    select
        u.suite,
        u.expectation,
        {{ check_id('u.table_id', 'u.kind', 'u.name', 'u.source_line') }},
        u.kind,
        u.document_id,
        u.source_line,
        u.table_id,
        u.measure,
        u.row_label,
        cast(u.rate as decimal(38, 10)),
        u.decimals,
        cast(null as decimal(38, 10)),
        cast(u.h as decimal(38, 10)),
        'population commune aux lignes',
        {{ describe_tolerance('u.kind', 'u.decimals') }},
        case when u.count is null then 'La ligne n''imprime pas d''effectif : elle n''implique aucune population.'
             else 'Un taux ou un effectif nul n''implique aucune population : la ligne ne peut pas être vérifiée.' end
    from unusable as u
)

select
    {{ evaluation_columns() }}
from evaluated
