-- cross_document, matching rows: the tables of one kind in one document that must print the same
-- value for the same row label (a CPOM model and an amendment model's hourly bonuses). Each such
-- table is compared, row by row, with the first other table of the kind in the document (by
-- header line): both directions, so that a row printed on one side only is not evaluable and
-- named, never skipped. A copied figure: tolerance 0.
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

tables as (
    select distinct document_id, kind, table_id, header_line from figures
),

-- each table of a kind and the table it is compared with (the first other one of its document)
pairs as (
    select own.table_id, arg_min(other.table_id, other.header_line) as other_table_id
    from tables as own
    inner join tables as other
        on other.document_id = own.document_id and other.kind = own.kind and other.table_id <> own.table_id
    group by own.table_id
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
        cast(0 as decimal(38, 10)) as tolerance,
        'valeur imprimée pour « ' || own.row_label || ' » dans ' || pairs.other_table_id
            || coalesce(' (' || mirror.document_id || ' l.' || mirror.source_line || ')', '') as computed_desc,
        {{ copy_tolerance_text() }} as tolerance_desc,
        case
            when mirror.table_id is null
                then '« ' || own.row_label || ' » n''est imprimé dans aucune ligne de ' || pairs.other_table_id || '.'
            when mirror.value is null then '« ' || own.row_label || ' » est imprimé vide dans ' || pairs.other_table_id || '.'
        end as hint_if_failed
    from rules
    inner join figures as own
        on own.kind = rules.document_kind and own.kind_column = rules.kind_column and not own.is_total
    inner join pairs on pairs.table_id = own.table_id
    left join figures as mirror
        on mirror.table_id = pairs.other_table_id and mirror.kind_column = rules.kind_column
        and not mirror.is_total and mirror.row_label = own.row_label
    where own.value is not null
)

select
    {{ evaluation_columns() }}
from evaluated
