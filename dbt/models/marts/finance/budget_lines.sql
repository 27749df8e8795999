-- The budget tables of the deliberations in one shape: one row per printed budget line, with
-- available − proposed = balance computed beside the printed balance.
with documents as (
    select document_id, department_code from {{ ref('stg_deliberations__documents') }}
),

lines as (
    select
        'pdc_cp_2025_541_decision' as budget_table,
        'Imputation de la dépense (délibération n°2025-541, article 4)' as budget_table_label_fr,
        document_id, source_line, operation_code, cast(null as varchar) as envelope_code, budget_imputation,
        operation_label, 'CP' as credits_kind, credits_eur,
        cast(null as decimal(16, 2)) as already_committed_eur,
        cast(null as decimal(16, 2)) as available_printed_eur,
        expense_eur as proposed_eur,
        cast(null as decimal(16, 2)) as balance_published_eur
    from {{ ref('stg_pdc_cp_2025_541__budget_decision') }}
    union all
    select
        'pdc_cp_2025_541_report',
        'Imputation budgétaire proposée (rapport n°47)',
        document_id, source_line, operation_code, null, budget_imputation,
        operation_label, 'CP', credits_eur,
        null,
        available_eur,
        proposed_eur,
        balance_eur
    from {{ ref('stg_pdc_cp_2025_541__budget_report') }}
    union all
    select
        'nord_cd_2023_dira_415_commitments',
        'Engagements par opération (code Grand Angle), rapport DirA/2023/415',
        document_id, source_line, operation_code, envelope_code, null,
        null, 'AE', authorised_eur,
        already_committed_eur,
        null,
        proposed_eur,
        null
    from {{ ref('stg_nord_cd_2023_dira_415__budget') }}
),

available as (
    select
        *,
        -- Nord prints authorised and already committed: what is available is their difference
        coalesce(available_printed_eur, credits_eur - already_committed_eur) as available_eur
    from lines
)

select
    d.department_code,
    a.document_id,
    cast(a.source_line as integer) as source_line,
    a.budget_table,
    a.budget_table_label_fr,
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
inner join documents as d on d.document_id = a.document_id
order by a.document_id, a.source_line
