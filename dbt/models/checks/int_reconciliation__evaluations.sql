-- Every evaluation of every reconciliation rule, one row per check: the printed figure, what we
-- compute for it (exact DECIMAL sums; divisions are done by DuckDB in DOUBLE, then stored with 10
-- decimals), the tolerance of the policy, and what the explanation needs.
{%- set kinds = ['total_row', 'row_formula', 'share_of_total', 'regional_aggregate', 'implied_population',
                 'formula', 'matching_rows', 'engine', 'official_total',
                 'official_cross_source', 'cross_publication', 'legal_ordering', 'plausible_range'] %}
with evaluations as (
{%- for kind in kinds %}
    select * from {{ ref('int_reconciliation__' ~ kind) }}
    {% if not loop.last %}union all by name{% endif %}
{%- endfor %}
)

select
    suite,
    expectation,
    check_id,
    check_kind,
    document_id,
    source_line,
    table_id,
    measure,
    row_label,
    published_value,
    published_decimals,
    computed_value,
    delta,
    tolerance,
    severity,
    computed_desc,
    tolerance_desc,
    hint_if_failed
from evaluations
