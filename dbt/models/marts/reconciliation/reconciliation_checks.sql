-- The public mart of reconciliation results: one row per check of the latest refresh. The
-- arithmetic is in the intermediate check models (dbt/models/checks/), the verdict and the French
-- explanation in int_reconciliation__verdicts; Great Expectations re-judges these rows in the
-- Dagster check `reconciliation` and blocks publishing on an error.
select
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
order by document_id, source_line, check_id
