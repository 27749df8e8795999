-- The reconciliation results over time, as a change log: a refresh records a check when the check
-- is new or its result (status, printed or computed value, tolerance) differs from the check's
-- last recorded row. A check's result at any run is its latest row at or before that run; the
-- first refresh records every check. (Recording every check every night grew the table by
-- ~75 000 rows a night once the official tables were reconciled, almost all of them unchanged.)
-- The Dagster dbt step sets AUTONOMY_RUN_ID to the Dagster run id (an environment variable rather
-- than --vars, which would make dbt re-parse the whole project on every run); the dbt var
-- `reconciliation_run_id` overrides it, and a manual `dbt build` records dbt's invocation id.
-- A retried build of the same run replaces its rows. A check that stops being produced gets one
-- row with status 'removed' (its last result stays readable in its earlier rows).
-- Upgrades: a column added to the results is appended to the table (earlier rows NULL), and the
-- figures of a check that could not be evaluated are NULL: a table created before either change
-- is altered in place, its rows kept (the history continues).
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['run_id', 'check_id'],
    on_schema_change='append_new_columns',
    pre_hook=[
        "{% if is_incremental() %}alter table {{ this }} alter column published_value drop not null{% endif %}",
        "{% if is_incremental() %}alter table {{ this }} alter column computed_value drop not null{% endif %}",
        "{% if is_incremental() %}alter table {{ this }} alter column delta drop not null{% endif %}",
        "{% if is_incremental() %}alter table {{ this }} alter column tolerance drop not null{% endif %}",
    ],
) }}
{%- set run_id = var("reconciliation_run_id", env_var("AUTONOMY_RUN_ID", invocation_id)) %}
{%- set recorded_columns = [] %}
{%- if is_incremental() and execute %}
{%- set recorded_columns = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list %}
{%- endif %}

with this_run as (
    select
        cast('{{ run_id }}' as varchar) as run_id,
        cast(current_timestamp as timestamp with time zone) as evaluated_at,
        suite,
        expectation,
        {{ reconciliation_result_columns() }}
    from {{ ref('int_reconciliation__verdicts') }}
)

select this_run.*
from this_run
{%- if is_incremental() %}
left join (
    select check_id, status, published_value, computed_value, tolerance
    from {{ this }}
    where run_id <> '{{ run_id }}'
    qualify row_number() over (partition by check_id order by evaluated_at desc, run_id desc) = 1
) as last_recorded using (check_id)
where last_recorded.check_id is null
   or last_recorded.status is distinct from this_run.status
   or last_recorded.published_value is distinct from this_run.published_value
   or last_recorded.computed_value is distinct from this_run.computed_value
   or last_recorded.tolerance is distinct from this_run.tolerance

union all

-- a check this refresh no longer produces (its document, table, figure or rule left): one row
-- saying so, status 'removed', figures NULL; nothing more while it stays absent
select
    cast('{{ run_id }}' as varchar) as run_id,
    cast(current_timestamp as timestamp with time zone) as evaluated_at,
    gone.suite,
    gone.expectation,
    gone.check_id,
    gone.check_kind,
    gone.document_id,
    gone.source_line,
    gone.table_id,
    gone.measure,
    cast(null as decimal(38, 10)) as published_value,
    cast(null as decimal(38, 10)) as computed_value,
    cast(null as decimal(38, 10)) as delta,
    cast(null as decimal(38, 10)) as tolerance,
    gone.severity,
    false as passed,
    'removed' as status,
    'Contrôle disparu : ce rafraîchissement ne le produit plus (document, tableau, chiffre ou règle retiré ou '
        || 'renommé). Dernier résultat enregistré : ' || gone.status || ' (exécution ' || gone.run_id || ').' as explanation,
    cast(null as decimal(18, 6)) as tolerance_share,
    false as is_low_power,
    {% if 'source_kind' in recorded_columns -%}
    gone.source_kind
    {%- else -%}
    -- a history written before the column existed (an upgrade): the kinds of the official files
    case when gone.check_kind in ('official_total', 'cross_publication', 'legal_ordering', 'plausible_range')
         then 'official_publication' else 'deliberation' end as source_kind
    {%- endif %}
from (
    select *
    from {{ this }}
    where run_id <> '{{ run_id }}'
    qualify row_number() over (partition by check_id order by evaluated_at desc, run_id desc) = 1
) as gone
where gone.status <> 'removed'
  and gone.check_id not in (select check_id from this_run)
{%- endif %}
