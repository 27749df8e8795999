-- One printed figure against a formula over other printed figures of the same document:
-- derived_column (a sum of votes, 60 % × the convention amount...), cross_document (the same
-- amount printed twice, a budget line against the totals it finances), cross_source (a figure
-- against another source's or another year's figures). Rules name roles, kinds and indicators
-- (macros/reconciliation/rules.sql), so each applies to every document whose entries give them:
-- one evaluation per published figure of a document that prints at least one of its inputs. An
-- input the document does not print (or prints empty) is missing, never zero: the check is not
-- evaluable and says which input is missing. A copied figure (rule on `copies`) is compared at
-- tolerance 0.
-- depends_on: {{ ref('reconciliation_rules') }} {{ ref('reconciliation_suites') }} {{ ref('stg_deliberations__row_links') }}
{%- set rules = reconciliation_rules('formula') %}
with figures as (
    select * from {{ ref('int_reconciliation__figures') }}
),

evaluated as (
{%- for rule in rules %}
    {%- set values = [] %}{% set inputs = [] %}{% set sources = [] %}
    {%- for reference in rule.inputs %}
        {%- do values.append('i' ~ loop.index0 ~ '.value') %}
        {%- do inputs.append(('i' ~ loop.index0 ~ '.value', 'coalesce(i' ~ loop.index0 ~ '.rounding, 0)')) %}
        {%- do sources.append('i' ~ loop.index0 ~ '.document_id || \' l.\' || i' ~ loop.index0 ~ '.source_line') %}
    {%- endfor %}
    {%- set copy = rule.published == 'copies' %}
    {%- set tolerance = '0' if copy else tolerance_corners(rule.formula, inputs, 'p.decimals', 'p.unit', apply_formula(rule.formula, values)) %}
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
        cast({{ tolerance }} as decimal(38, 10)) as tolerance,
        {{ sql_string(rule.formula_desc ~ " (d'après ") }}
            || coalesce(array_to_string(list_sort(list_distinct(list_filter([{{ sources | join(', ') }}], lambda x: x is not null))), ', '), '')
            || ')' as computed_desc,
        p.unit as published_unit,
        {{ 'true' if copy else 'false' }} as is_copy,
        case
        {%- for reference in rule.inputs %}
            when i{{ loop.index0 }}.value is null
                then 'Le document n''imprime pas « ' || {{ sql_string(reference) }} || ' »'
                     || case when coalesce(i{{ loop.index0 }}.found, 0) > 0 then ' (cellule vide)' else '' end
                     || ' : le chiffre ne peut pas être recalculé.'
        {%- endfor %}
        end as hint_if_failed
    {{ formula_rows(rule) }}
    {% if not loop.last %}union all{% endif %}
{%- else %}
    {{ no_evaluation(to_describe=true) }}
{%- endfor %}
),

described as (
    {{ with_tolerance_described('evaluated') }}
)

select
    {{ evaluation_columns() }}
from described
