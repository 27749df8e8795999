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
    check_id,
    check_kind,
    document_id,
    cast(source_line as integer) as source_line,
    table_id,
    measure,
    cast(published_value as decimal(38, 10)) as published_value,
    cast(computed_value as decimal(38, 10)) as computed_value,
    cast(delta as decimal(38, 10)) as delta,
    cast(tolerance as decimal(38, 10)) as tolerance,
    severity,
    passed,
    status,
    explanation
from {{ ref('int_reconciliation__verdicts') }}
