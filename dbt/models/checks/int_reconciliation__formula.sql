-- One printed figure against a formula over other printed figures, in the same passage, another
-- table or another document: derived_column (a sum of votes, 60 % × the convention amount...),
-- cross_document (the same amount printed twice), cross_source (a figure against another source's
-- or another year's figures). An empty input counts as zero; a figure a rule names but the
-- documents do not print yields no row (and the Dagster check of the rule fails closed).
-- depends_on: {{ ref('reconciliation_rules') }} {{ ref('reconciliation_suites') }}
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
    select
        {{ sql_string(rule.suite) }} as suite,
        {{ sql_string(rule.expectation) }} as expectation,
        {{ check_id('p.table_id', sql_string(rule.kind), sql_string(rule.name), 'p.source_line') }} as check_id,
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
    from {{ figure_lookup(rule.published) }} p
    {%- for reference in rule.inputs %}
    cross join {{ figure_lookup(reference) }} i{{ loop.index0 }}
    {%- endfor %}
    {% if not loop.last %}union all{% endif %}
{%- else %}
    {{ no_evaluation() }}
{%- endfor %}
)

select
    {{ evaluation_columns() }}
from evaluated
