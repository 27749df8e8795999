-- The coverage contract of the reconciliation: for every rule, how many evaluations what is
-- printed calls for, counted from the printed structure (catalogue tables of the rule's kind,
-- their rows and columns, the figures of a role, the official rows), independently of the check
-- models, beside how many the check models made. The Dagster check of a rule fails closed when
-- it made fewer than expected, naming what it could not evaluate; a rule that nothing printed
-- calls for (no table of its kind loaded, e.g. a département with no deliberation) expects 0.
--   total_row           a table of the kind with a TOTAL row × each rule column the table maps
--   share_of_total,
--   row_formula         each non-total row printing the published column
--   regional_aggregate  each TOTAL row printing the published column
--   implied_population  each non-total row printing a rate
--   matching_rows       each non-total row of a table of the kind in a document printing several
--   formula             each published figure of a document that prints at least one input
--   engine              each row of an envelope annex split on hours (allocation), of an annex
--                       the FAP exports cover (hours), and their TOTAL rows
--   official_*          each official figure the rule compares (counted by its own model)
-- depends_on: {{ ref('reconciliation_rules') }} {{ ref('reconciliation_suites') }} {{ ref('stg_deliberations__row_links') }}
{%- set formulas = reconciliation_rules('formula') %}
with figures as (
    select * from {{ ref('int_reconciliation__figures') }}
),

rules as (
    select r.suite, s.document_kind, r.rule_type, r.kind, r.name, r.kind || '__' || r.name as expectation,
           r.published, r.inputs
    from {{ ref('reconciliation_rules') }} as r
    inner join {{ ref('reconciliation_suites') }} as s on s.suite = r.suite
),

cells as (
    select * from figures where figure_kind = 'cell'
),

totals_printed as (
    select r.suite, r.expectation, count(*) as expected
    from rules as r
    cross join unnest(string_split(r.inputs, '|')) as c (kind_column)
    inner join cells as f on f.kind = r.document_kind and f.kind_column = c.kind_column and f.is_total
    where r.rule_type = 'total_row'
    group by all
),

rows_printed as (
    select r.suite, r.expectation, count(*) as expected
    from rules as r
    inner join cells as f on f.kind = r.document_kind and f.kind_column = r.published
    where r.rule_type in ('share_of_total', 'row_formula', 'implied_population') and not f.is_total and f.value is not null
    group by all
),

aggregates_printed as (
    select r.suite, r.expectation, count(*) as expected
    from rules as r
    inner join cells as f on f.kind = r.document_kind and f.kind_column = r.published
    where r.rule_type = 'regional_aggregate' and f.is_total and f.value is not null
    group by all
),

matching_printed as (
    select r.suite, r.expectation, count(*) as expected
    from rules as r
    inner join cells as f on f.kind = r.document_kind and f.kind_column = r.published
    where r.rule_type = 'matching_rows' and not f.is_total and f.value is not null
        and (select count(distinct o.table_id) from cells as o where o.document_id = f.document_id and o.kind = f.kind) > 1
    group by all
),

formulas_printed as (
{%- for rule in formulas %}
    select {{ sql_string(rule.suite) }} as suite, {{ sql_string(rule.expectation) }} as expectation, count(*) as expected
    from (select * from figures where {{ published_predicate(rule.published) }}) as p
    {%- for reference in rule.inputs %}
    left join lateral {{ input_lookup(reference) }} as i{{ loop.index0 }} on true
    {%- endfor %}
    where false
    {%- for reference in rule.inputs %}
        or coalesce(i{{ loop.index0 }}.found, 0) > 0
    {%- endfor %}
    {% if not loop.last %}union all{% endif %}
{%- else %}
    select null::varchar as suite, null::varchar as expectation, 0::bigint as expected
    where false
{%- endfor %}
),

envelope_annexes as (
    -- the annexes whose envelope we split on their hours, and those the FAP exports cover
    select
        a.table_id,
        count(*) as printed_rows,
        bool_or(e.envelope_id is not null) as allocated,
        bool_or(c.table_id is not null) as covered
    from {{ ref('stg_deliberations__sad_envelope_annex') }} as a
    left join {{ ref('int_envelopes') }} as e on e.table_id = a.table_id and e.envelope_kind = 'published'
    left join (select distinct table_id from {{ ref('fap_annex_hours_comparison') }}) as c on c.table_id = a.table_id
    group by a.table_id
),

engines_printed as (
    select 'envelope_allocation' as suite, 'engine__allocation_per_sad' as expectation,
           coalesce(sum(printed_rows) filter (where allocated), 0) as expected
    from envelope_annexes
    union all
    -- every row compared: the annex's rows, its TOTAL, and a SAD of the registry the annex does not print
    select 'fap_hours', 'engine__hours_per_sad', count(*)
    from {{ ref('fap_annex_hours_comparison') }}
),

official_printed as (
    select e.suite, e.expectation, count(*) as expected
    from {{ ref('int_reconciliation__evaluations') }} as e
    inner join rules as r on r.suite = e.suite and r.expectation = e.expectation
    where r.rule_type in ('official_total', 'official_cross_source')
    group by all
),

expected as (
    select * from totals_printed
    union all select * from rows_printed
    union all select * from aggregates_printed
    union all select * from matching_printed
    union all select * from formulas_printed
    union all select * from engines_printed
    union all select * from official_printed
),

evaluated as (
    select suite, expectation, count(*) as evaluated
    from {{ ref('int_reconciliation__evaluations') }}
    group by all
)

select
    r.suite,
    r.expectation,
    r.suite || '__' || r.expectation as check_name,
    r.rule_type,
    r.document_kind,
    cast(coalesce(x.expected, 0) as integer) as expected_evaluations,
    cast(coalesce(v.evaluated, 0) as integer) as evaluated
from rules as r
left join (select suite, expectation, sum(expected) as expected from expected group by all) as x
    on x.suite = r.suite and x.expectation = r.expectation
left join evaluated as v on v.suite = r.suite and v.expectation = r.expectation
order by r.suite, r.expectation
