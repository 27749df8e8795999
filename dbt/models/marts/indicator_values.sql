-- One row per published indicator figure: every number of the indicator tables and every
-- indicator printed in prose, with the document and line it was read from.
select
    f.document_id,
    cast(f.source_line as integer) as source_line,
    f.table_id,
    f.territory_code,
    t.territory_name,
    f.indicator_code,
    f.indicator_label,
    cast(f.value as decimal(18, 4)) as value,
    cast(f.printed_decimals as integer) as printed_decimals,
    f.unit,
    f.source,
    f.reference_period
from {{ ref('int_indicator_figures') }} as f
left join {{ ref('mart_territories') }} as t
    on t.territory_code = f.territory_code
order by f.document_id, f.source_line, f.indicator_code, f.territory_code
