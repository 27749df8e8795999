select
    c.document_id,
    c.source_line,
    c.row_number as printed_row,
    c.is_total,
    c.department_name as territory_name_printed,
    coalesce(t.territory_code, case when c.is_total then '32' end) as territory_code,
    cast(c.pop_0_19 as bigint) as population_0_19,
    cast(c.pop_0_19_regional_share_pct as decimal(7, 2)) as population_0_19_regional_share_pct,
    cast(c.pop_0_6 as bigint) as population_0_6,
    cast(c.pop_0_6_regional_share_pct as decimal(7, 2)) as population_0_6_regional_share_pct,
    cast(c.aeeh_allocataires_0_19 as bigint) as aeeh_allocataires_0_19,
    cast(c.aeeh_rate_0_19_pct as decimal(7, 2)) as aeeh_rate_0_19_pct,
    cast(c.drl_children_eur as decimal(14, 2)) as drl_children_eur,
    cast(c.drl_children_regional_share_pct as decimal(7, 2)) as drl_children_regional_share_pct,
    cast(c.drl_children_eur_per_inhabitant_0_19 as decimal(10, 2)) as drl_children_eur_per_inhabitant_0_19,
    cast(c.drl_children_eur_per_aeeh_allocataire as decimal(10, 2)) as drl_children_eur_per_aeeh_allocataire,
    cast(c.ase_children as bigint) as ase_children,
    cast(c.ase_children_regional_share_pct as decimal(7, 2)) as ase_children_regional_share_pct
from {{ source('pdc_cp_2026_150', 'hdf_children') }} as c
left join {{ ref('territories') }} as t
    on t.territory_name = c.department_name and t.territory_level = 'department'
