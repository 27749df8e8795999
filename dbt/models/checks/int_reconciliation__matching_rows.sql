-- cross_document, matching rows: the tables of one kind in one document that must print the same
-- value for the same row label (a CPOM model and an amendment model's hourly bonuses): the first
-- table of the kind in the document (by header line) against each later one.
with figures as (
    select f.*, e.header_line
    from {{ ref('int_reconciliation__figures') }} as f
    inner join {{ ref('stg_deliberations__catalogue_entries') }} as e on e.table_id = f.table_id
    where f.figure_kind = 'cell'
),

rules as (
    select r.suite, r.document_kind, r.kind, r.name, r.expectation,
           r.published as kind_column
    from ({{ reconciliation_rules_of_type('matching_rows') }}) as r
),

firsts as (
    select document_id, kind, min(header_line) as header_line
    from figures
    group by document_id, kind
),

evaluated as (
    select
        rules.suite,
        rules.expectation,
        {{ check_id('own.table_id', 'rules.kind', 'rules.name', 'own.source_line') }} as check_id,
        rules.kind as check_kind,
        own.document_id,
        own.source_line,
        own.table_id,
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
    inner join figures as own
        on own.kind = rules.document_kind and own.kind_column = rules.kind_column and not own.is_total
    inner join firsts as f on f.document_id = own.document_id and f.kind = own.kind and f.header_line = own.header_line
    inner join figures as mirror
        on mirror.document_id = own.document_id and mirror.kind = own.kind and mirror.table_id <> own.table_id
        and mirror.kind_column = rules.kind_column and not mirror.is_total and mirror.row_label = own.row_label
    where own.value is not null
)

select
    {{ evaluation_columns() }}
from evaluated
