-- Every refresh's reconciliation results, kept: this refresh's rows are appended under its run id.
-- The Dagster dbt step sets AUTONOMY_RUN_ID to the Dagster run id (an environment variable rather
-- than --vars, which would make dbt re-parse the whole project on every run); the dbt var
-- `reconciliation_run_id` overrides it, and a manual `dbt build` records dbt's invocation id.
-- A retried build of the same run replaces its rows.
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['run_id', 'check_id'],
    on_schema_change='fail',
) }}

select
    cast('{{ var("reconciliation_run_id", env_var("AUTONOMY_RUN_ID", invocation_id)) }}' as varchar) as run_id,
    cast(current_timestamp as timestamp with time zone) as evaluated_at,
    suite,
    expectation,
    {{ reconciliation_result_columns() }}
from {{ ref('int_reconciliation__verdicts') }}
