-- derived_column, row by row: a printed column against its recomputation from other cells of the
-- same row, in every table of the rule's kind (rates, € per inhabitant, PA + PH = total, available − proposed = balance...). A row
-- is checked when it prints the figure; an empty input makes it not evaluable (NULL, the check
-- says which), except for amounts split into parts, where an empty part stands for zero
-- (missing_as_zero).
-- depends_on: {{ ref('reconciliation_rules') }} {{ ref('reconciliation_suites') }}
{%- set rules = reconciliation_rules('row_formula') %}
with figures as (
    select * from {{ ref('int_reconciliation__figures') }} where figure_kind = 'cell'
),

evaluated as (
{%- for rule in rules %}
    {%- set values = [] %}{% set inputs = [] %}
    {%- for column in rule.inputs %}
        {%- set value = ('coalesce(i' ~ loop.index0 ~ '.value, 0)') if rule.missing_as_zero else ('i' ~ loop.index0 ~ '.value') %}
        {%- do values.append(value) %}
        {%- do inputs.append((value, 'coalesce(i' ~ loop.index0 ~ '.rounding, ' ~ half_unit('null') ~ ')')) %}
    {%- endfor %}
    select
        {{ sql_string(rule.suite) }} as suite,
        {{ sql_string(rule.expectation) }} as expectation,
        {{ check_id('own.table_id', sql_string(rule.kind), sql_string(rule.name), 'own.source_line') }} as check_id,
        {{ sql_string(rule.kind) }} as check_kind,
        own.document_id,
        own.source_line,
        own.table_id,
        own.measure,
        own.row_label,
        cast(own.value as decimal(38, 10)) as published_value,
        own.decimals as published_decimals,
        cast({{ apply_formula(rule.formula, values) }} as decimal(38, 10)) as computed_value,
        cast({{ tolerance_corners(rule.formula, inputs, 'own.decimals', 'own.unit', apply_formula(rule.formula, values)) }} as decimal(38, 10)) as tolerance,
        {{ sql_string(rule.formula_desc) }} as computed_desc,
        own.unit as published_unit,
        false as is_copy,
        {%- if rule.missing_as_zero %}
        cast(null as varchar) as hint_if_failed
        {%- else %}
        case
        {%- for column in rule.inputs %}
            when i{{ loop.index0 }}.value is null
                then 'La ligne n''imprime pas « ' || coalesce(i{{ loop.index0 }}.measure, {{ sql_string(column) }}) || ' » : la colonne ne peut pas être recalculée.'
        {%- endfor %}
        end as hint_if_failed
        {%- endif %}
    from figures own
    {%- for column in rule.inputs %}
    left join figures i{{ loop.index0 }}
      on i{{ loop.index0 }}.table_id = own.table_id and i{{ loop.index0 }}.source_line = own.source_line
     and i{{ loop.index0 }}.kind_column = {{ sql_string(column) }}
    {%- endfor %}
    where own.kind = {{ sql_string(rule.document_kind) }} and own.kind_column = {{ sql_string(rule.published) }}
      and not own.is_total and own.value is not null
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
