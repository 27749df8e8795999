-- The public mart of reconciliation results: one row per check of the latest refresh. The
-- arithmetic is in the intermediate check models (dbt/models/checks/), the verdict and the French
-- explanation in int_reconciliation__verdicts; Great Expectations re-judges these rows in the
-- Dagster check `reconciliation` and blocks publishing on an error.
select
    {{ reconciliation_result_columns() }}
from {{ ref('int_reconciliation__verdicts') }}
order by document_id, source_line, check_id
