-- indicateurs.html: every printed indicator value with the level of its territory and the
-- flags of the département the report is about and of its région (a table of another région
-- is never drawn as the home région's), so the report only filters and draws.
select
    v.document_id,
    v.source_line,
    v.table_id,
    v.territory_code,
    v.territory_name,
    t.territory_level,
    t.level_order,
    t.is_focus,
    t.is_focus_region,
    t.is_in_focus_region,
    v.indicator_code,
    v.indicator_label,
    v.value,
    v.printed_decimals,
    v.unit,
    v.source,
    v.reference_period
from {{ ref('indicator_values') }} as v
inner join {{ ref('rpt_reports__territories') }} as t on t.territory_code = v.territory_code
order by v.indicator_code, t.level_order, v.territory_code
