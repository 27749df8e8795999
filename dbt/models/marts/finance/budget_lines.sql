-- The budget tables of the deliberations in one shape (kinds budget_decision, budget_report and
-- budget_commitments, every document loaded): one row per printed budget line, with
-- available − proposed = balance computed beside the printed balance.
with tables as (
    select table_id, title from {{ ref('stg_deliberations__catalogue_entries') }}
),

lines as (
    select
        table_id, 'budget_decision' as budget_kind, department_code, document_id, source_line,
        operation_code, cast(null as varchar) as envelope_code, budget_imputation,
        operation_label, 'CP' as credits_kind, credits_eur,
        cast(null as decimal(16, 2)) as already_committed_eur,
        cast(null as decimal(16, 2)) as available_printed_eur,
        expense_eur as proposed_eur,
        cast(null as decimal(16, 2)) as balance_published_eur
    from {{ ref('stg_deliberations__budget_decision') }}
    union all
    select
        table_id, 'budget_report', department_code, document_id, source_line,
        operation_code, null, budget_imputation,
        operation_label, 'CP', credits_eur,
        null,
        available_eur,
        proposed_eur,
        balance_eur
    from {{ ref('stg_deliberations__budget_report') }}
    union all
    select
        table_id, 'budget_commitments', department_code, document_id, source_line,
        operation_code, envelope_code, null,
        null, 'AE', authorised_eur,
        already_committed_eur,
        null,
        proposed_eur,
        null
    from {{ ref('stg_deliberations__budget_commitments') }}
),

available as (
    select
        *,
        -- commitments print authorised and already committed: what is available is their difference
        coalesce(available_printed_eur, credits_eur - already_committed_eur) as available_eur
    from lines
)

select
    a.department_code,
    a.document_id,
    cast(a.source_line as integer) as source_line,
    a.table_id as budget_table,
    t.title as budget_table_label_fr,
    a.budget_kind,
    a.operation_code,
    a.envelope_code,
    a.budget_imputation,
    a.operation_label,
    a.credits_kind,
    cast(a.credits_eur as decimal(16, 2)) as credits_eur,
    cast(a.already_committed_eur as decimal(16, 2)) as already_committed_eur,
    cast(a.available_eur as decimal(16, 2)) as available_eur,
    a.available_printed_eur is not null as available_is_printed,
    cast(a.proposed_eur as decimal(16, 2)) as proposed_eur,
    cast(a.balance_published_eur as decimal(16, 2)) as balance_published_eur,
    cast(a.available_eur - a.proposed_eur as decimal(16, 2)) as balance_computed_eur,
    cast(a.available_eur - a.proposed_eur - a.balance_published_eur as decimal(16, 2)) as balance_delta_eur
from available as a
inner join tables as t on t.table_id = a.table_id
order by a.document_id, a.source_line
