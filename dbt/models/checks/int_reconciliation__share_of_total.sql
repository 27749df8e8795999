-- derived_column, shares of total: a printed share (%) against the row's value over the printed
-- TOTAL of its column × 100, in every table of the rule's kind. When the printed column repeats, row for row, another column of the
-- same table, the explanation says so (a copy error, e.g. the DRL share copying the 0-6 share).
{%- set share = '{0} / {1} * 100' %}
with figures as (
    select * from {{ ref('int_reconciliation__figures') }}
    where figure_kind = 'cell'
),

rules as (
    select r.suite, r.document_kind, r.kind, r.name, r.expectation,
           r.published as kind_column, r.inputs as of_column
    from ({{ reconciliation_rules_of_type('share_of_total') }}) as r
),

-- Other columns of the table whose values equal the share column's on every row (NULL = NULL).
copied_from as (
    select suite, name, table_id, arg_min(column_name, column_index) as column_name,
           min(column_index) as column_index, arg_min(measure, column_index) as measure
    from (
        select rules.suite, rules.name, own.table_id, other.column_name, other.column_index, other.measure,
               bool_and(own.value is not distinct from other.value) as same_values
        from rules
        inner join figures as own on own.kind = rules.document_kind and own.kind_column = rules.kind_column and not own.is_total
        inner join figures as other on other.table_id = own.table_id and other.source_line = own.source_line
                          and other.column_name <> own.column_name and not other.is_total
        group by all
    ) as candidates
    where same_values
    group by suite, name, table_id
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
        own.value as published_value,
        own.decimals as published_decimals,
        {{ apply_formula(share, ['part.value', 'total.value']) }} as computed_value,
        {{ tolerance_corners(share, [('part.value', 'part.rounding'), ('total.value', 'total.rounding')], 'own.decimals', 'own.unit', apply_formula(share, ['part.value', 'total.value'])) }} as tolerance,
        'valeur de la ligne / total imprimé (' || coalesce(cast(total.source_line as varchar), 'absent') || ') × 100' as computed_desc,
        {{ describe_tolerance('rules.kind', 'own.decimals', unit='own.unit', computed=apply_formula(share, ['part.value', 'total.value'])) }} as tolerance_desc,
        case
        when part.value is null then 'La ligne n''imprime pas « ' || coalesce(part.measure, rules.of_column) || ' » : sa part ne peut pas être recalculée.'
        when total.value is null then 'La ligne TOTAL n''imprime pas le total de « ' || rules.of_column || ' » : les parts ne peuvent pas être recalculées.'
        when copied_from.column_name is not null then
            'La colonne imprimée reproduit, ligne à ligne, la colonne n°' || copied_from.column_index
            || ' « ' || copied_from.measure || ' » du même tableau (en-tête ligne ' || header.header_line
            || ') : probable erreur de copie.'
        end as hint_if_failed
    from rules
    inner join figures as own on own.kind = rules.document_kind and own.kind_column = rules.kind_column and not own.is_total
    left join figures as part on part.table_id = own.table_id and part.source_line = own.source_line
                     and part.kind_column = rules.of_column
    left join figures as total on total.table_id = own.table_id and total.kind_column = rules.of_column and total.is_total
    left join copied_from on copied_from.suite = rules.suite and copied_from.name = rules.name and copied_from.table_id = own.table_id
    left join {{ ref('stg_deliberations__catalogue_entries') }} as header on header.table_id = own.table_id
    where own.value is not null
)

select
    {{ evaluation_columns() }}
from evaluated
