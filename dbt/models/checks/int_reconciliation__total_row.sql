-- total_row: every printed TOTAL / "Total général" cell against the sum of the cells above it in
-- its column, for every table of the rule's kind and every column the rule names. Empty cells are not summed; a column where no row prints anything (the TOTAL then
-- summarises nothing the table shows) is reported as such rather than skipped.
with figures as (
    select * from {{ ref('int_reconciliation__figures') }}
    where figure_kind = 'cell'
),

rules as (
    select r.suite, r.document_kind, r.kind, r.name, r.expectation,
           unnest(string_split(r.inputs, '|')) as kind_column
    from ({{ reconciliation_rules_of_type('total_row') }}) as r
),

parts as (
    select
        rules.suite,
        f.table_id,
        f.column_name,
        count(*) as summed_rows,
        count(*) filter (where f.rounding > 0) as rounded_rows,
        sum(f.value) as summed_value,
        sum(f.rounding) as summed_rounding
    from rules
    inner join figures as f
      on f.kind = rules.document_kind and f.kind_column = rules.kind_column
     and not f.is_total and f.value is not null
    group by all
),

evaluated as (
    select
        rules.suite,
        rules.expectation,
        {{ check_id('total.table_id', 'rules.kind', 'total.column_name', 'total.source_line') }} as check_id,
        rules.kind as check_kind,
        total.document_id,
        total.source_line,
        total.table_id,
        total.measure,
        total.row_label,
        total.value as published_value,
        total.decimals as published_decimals,
        -- nothing summed is missing, not zero: the check is not evaluable
        parts.summed_value as computed_value,
        {{ tolerance_sum('parts.summed_rounding', 'total.decimals', 'total.unit', 'parts.summed_value') }} as tolerance,
        case when coalesce(parts.summed_rows, 0) = 0
             then 'aucune ligne du tableau n''imprime de valeur dans cette colonne (somme vide)'
             else 'somme des ' || parts.summed_rows || ' lignes de la colonne' end as computed_desc,
        case when coalesce(parts.summed_rows, 0) = 0
             then 'aucune valeur additionnée : ' || {{ half_unit_text('total.decimals') }} || ' pour le total seulement'
             else {{ describe_tolerance('rules.kind', 'total.decimals', 'parts.rounded_rows', 'total.unit',
                  tolerance_sum('parts.summed_rounding', 'total.decimals', 'total.unit', 'parts.summed_value'),
                  'parts.summed_value') }} end as tolerance_desc,
        case
            when total.value is null then 'La ligne TOTAL n''imprime rien dans cette colonne : il n''y a pas de total à vérifier.'
            when coalesce(parts.summed_rows, 0) = 0
                then 'Le total imprimé ne résume aucun chiffre imprimé dans le tableau : il ne peut pas être vérifié ligne à ligne.'
        end as hint_if_failed
    from rules
    inner join figures as total
      on total.kind = rules.document_kind and total.kind_column = rules.kind_column and total.is_total
    left join parts
      on parts.suite = rules.suite and parts.table_id = total.table_id and parts.column_name = total.column_name
)

select
    {{ evaluation_columns() }}
from evaluated
