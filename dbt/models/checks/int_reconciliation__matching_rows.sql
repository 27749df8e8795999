-- cross_document, matching rows: two tables that must print the same value for the same row label
-- (the CPOM model and the amendment model's hourly bonuses).
with figures as (
    select * from {{ ref('int_reconciliation__figures') }}
    where figure_kind = 'cell'
),

rules as (
    select r.suite, r.table_id, r.kind, r.name, r.expectation,
           r.published as column_name, r.inputs as other_table
    from ({{ reconciliation_rules_of_type('matching_rows') }}) as r
),

evaluated as (
    select
        rules.suite,
        rules.expectation,
        {{ check_id('rules.table_id', 'rules.kind', 'rules.name', 'own.source_line') }} as check_id,
        rules.kind as check_kind,
        own.document_id,
        own.source_line,
        rules.table_id,
        own.measure,
        own.row_label,
        cast(own.value as decimal(38, 10)) as published_value,
        own.decimals as published_decimals,
        cast(mirror.value as decimal(38, 10)) as computed_value,
        cast({{ tolerance_sum('mirror.rounding', 'own.decimals') }} as decimal(38, 10)) as tolerance,
        'valeur imprimée pour « ' || own.row_label || ' » (' || mirror.document_id || ' l.' || mirror.source_line || ')' as computed_desc,
        {{ describe_tolerance('rules.kind', 'own.decimals') }} as tolerance_desc,
        cast(null as varchar) as hint_if_failed
    from rules
    inner join figures as own on own.table_id = rules.table_id and own.column_name = rules.column_name and not own.is_total
    inner join figures as mirror on mirror.table_id = rules.other_table and mirror.column_name = rules.column_name
                       and not mirror.is_total and mirror.row_label = own.row_label
    where own.value is not null
)

select
    {{ evaluation_columns() }}
from evaluated
