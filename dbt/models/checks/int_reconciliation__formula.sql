-- One printed figure against a formula over other printed figures of the same document:
-- derived_column (a sum of votes, 60 % × the convention amount...), cross_document (the same
-- amount printed twice, a budget line against the totals it finances), cross_source (a figure
-- against another source's or another year's figures). Rules name roles, kinds and indicators
-- (macros/reconciliation/rules.sql), so each applies to every document whose entries give them:
-- one evaluation per published figure whose inputs the document prints. An empty input counts
-- as zero; a figure whose inputs are not all printed yields no row.
-- depends_on: {{ ref('reconciliation_rules') }} {{ ref('reconciliation_suites') }} {{ ref('stg_deliberations__row_links') }}
{%- set rules = reconciliation_rules('formula') %}
with figures as (
    select * from {{ ref('int_reconciliation__figures') }}
),

evaluated as (
{%- for rule in rules %}
    {%- set values = [] %}{% set inputs = [] %}{% set sources = [] %}
    {%- for reference in rule.inputs %}
        {%- do values.append('coalesce(i' ~ loop.index0 ~ '.value, 0)') %}
        {%- do inputs.append(('coalesce(i' ~ loop.index0 ~ '.value, 0)', 'i' ~ loop.index0 ~ '.rounding')) %}
        {%- do sources.append('i' ~ loop.index0 ~ '.document_id || \' l.\' || i' ~ loop.index0 ~ '.source_line') %}
    {%- endfor %}
    {%- set name = sql_string(rule.name) ~ (" || '.' || p.figure_id" if published_by_figure(rule.published) else '') %}
    select
        {{ sql_string(rule.suite) }} as suite,
        {{ sql_string(rule.expectation) }} as expectation,
        {{ check_id('p.table_id', sql_string(rule.kind), name, 'p.source_line') }} as check_id,
        {{ sql_string(rule.kind) }} as check_kind,
        p.document_id,
        p.source_line,
        p.table_id,
        p.measure,
        p.row_label,
        cast(p.value as decimal(38, 10)) as published_value,
        p.decimals as published_decimals,
        cast({{ apply_formula(rule.formula, values) }} as decimal(38, 10)) as computed_value,
        cast({{ tolerance_corners(rule.formula, inputs, 'p.decimals') }} as decimal(38, 10)) as tolerance,
        {{ sql_string(rule.formula_desc ~ " (d'après ") }}
            || array_to_string(list_sort(list_distinct([{{ sources | join(', ') }}])), ', ') || ')' as computed_desc,
        {{ describe_tolerance(sql_string(rule.kind), 'p.decimals') }} as tolerance_desc,
        cast(null as varchar) as hint_if_failed
    from (select * from figures where {{ published_predicate(rule.published) }}) as p
    {%- for reference in rule.inputs %}
    inner join lateral {{ input_lookup(reference) }} as i{{ loop.index0 }} on i{{ loop.index0 }}.found > 0
    {%- endfor %}
    {% if not loop.last %}union all{% endif %}
{%- else %}
    {{ no_evaluation() }}
{%- endfor %}
)

select
    {{ evaluation_columns() }}
from evaluated
