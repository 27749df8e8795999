select
    a.document_id,
    a.source_line,
    a.row_number as printed_row,
    a.is_total,
    a.department_name as territory_name_printed,
    coalesce(t.territory_code, case when a.is_total then '32' end) as territory_code,
    cast(a.pop_20_59 as bigint) as population_20_59,
    cast(a.pop_20_59_regional_share_pct as decimal(7, 2)) as population_20_59_regional_share_pct,
    cast(a.pop_60plus as bigint) as population_60_plus,
    cast(a.pop_60plus_regional_share_pct as decimal(7, 2)) as population_60_plus_regional_share_pct,
    cast(a.aah_rate_pct as decimal(7, 2)) as aah_rate_pct,
    cast(a.drl_adults_eur as decimal(14, 2)) as drl_adults_eur,
    cast(a.drl_adults_regional_share_pct as decimal(7, 2)) as drl_adults_regional_share_pct,
    cast(a.drl_adults_eur_per_inhabitant_20plus as decimal(10, 2)) as drl_adults_eur_per_inhabitant_20_plus
from {{ source('pdc_cp_2026_150', 'hdf_adults') }} as a
left join {{ ref('territories') }} as t
    on t.territory_name = a.department_name and t.territory_level = 'department'
