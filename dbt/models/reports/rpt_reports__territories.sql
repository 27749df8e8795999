-- Every territory a report names (marts.territories, from the COG), with how a French sentence
-- names it (reference.territory_grammar), and which one the reports are about: the département
-- of var department_code (AUTONOMY_DEPARTMENT_CODE, '62' by default), its région, and the
-- départements of that région (its neighbours in the comparisons). Reports take every display
-- name from here, not from code.
with focus as (
    select territory_code, 'R' || region_code as region_code
    from {{ ref('mart_territories') }}
    where territory_code = '{{ var("department_code") }}'
)

select
    t.territory_code,
    t.territory_name,
    t.territory_level,
    -- the région's COG code, as in every mart ('32'), and its territory key ('R32'), for a département
    case when t.territory_level = 'department' then t.region_code end as region_code,
    case when t.territory_level = 'department' then 'R' || t.region_code end as parent_code,
    coalesce(g.name_of_fr, 'de ' || t.territory_name) as name_of_fr,
    coalesce(g.name_in_fr, 'en ' || t.territory_name) as name_in_fr,
    coalesce(g.grammatical_gender, 'm') as grammatical_gender,
    coalesce(g.grammatical_number, 's') as grammatical_number,
    -- "entouré", "entourée", "entourés", "entourées": the agreement of a past participle with the name
    case coalesce(g.grammatical_gender, 'm') when 'f' then 'e' else '' end
    || case coalesce(g.grammatical_number, 's') when 'p' then 's' else '' end as agreement_suffix,
    coalesce(t.is_metropolitan, false) as is_metropolitan,
    -- départements first (in code order), then the région, then the country: the order of
    -- the comparison charts, the references last
    cast(case t.territory_level when 'department' then 0 when 'region' then 1 else 2 end as integer) as level_order,
    coalesce(t.territory_code = f.territory_code, false) as is_focus,
    coalesce(t.territory_level = 'region' and t.territory_code = f.region_code, false) as is_focus_region,
    coalesce(t.territory_level = 'department' and 'R' || t.region_code = f.region_code, false) as is_in_focus_region
from {{ ref('mart_territories') }} as t
left join {{ ref('territory_grammar') }} as g on g.territory_code = t.territory_code
left join focus as f on true
order by level_order, t.territory_code
