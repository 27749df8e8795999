{{ config(alias='territories') }}
-- Every territory the official tables name: départements (COG codes as text: '2A', '971'),
-- régions (R + COG 2024 code: R32 Hauts-de-France, since région and département codes overlap), France métropolitaine (FRMET), the DROM (DROM) and France (FR); plus the
-- territories some DREES tables give both whole and as parts: Corsica whole (20, beside 2A and
-- 2B) and the Rhône's parts (69D Nouveau Rhône, 69M Métropole de Lyon, beside 69). whole_code
-- says which whole a part belongs to, so that no sum counts a territory twice.
with departments as (
    select d.department_code, d.region_code, d.source_file, d.source_line
    from {{ ref('stg_insee__departments') }} as d
),

names as (
    select territory_code, trim(territory_label) as territory_name
    from {{ ref('stg_insee__population') }}
    where is_total_age and sex = 'all'
    qualify row_number() over (partition by territory_code order by reference_date desc, edition desc) = 1
),

drees_names as (
    select territory_code, trim(territory_label) as territory_name
    from {{ ref('stg_drees__aid_beneficiaries') }}
    where territory_code in ('20', '69D', '69M') and block = 'departements'
    qualify row_number() over (partition by territory_code order by edition desc) = 1
),

regions as (
    select region_code, region_name, source_file, source_line from {{ ref('stg_insee__regions') }}
)

select
    d.department_code as territory_code,
    coalesce(n.territory_name, d.department_code) as territory_name,
    'department' as territory_level,
    d.region_code,
    'R' || d.region_code as parent_code,
    case when d.department_code in ('2A', '2B') then '20' end as whole_code,
    d.region_code not in ('01', '02', '03', '04', '06') as is_metropolitan,
    'INSEE COG, ' || d.source_file || ' line ' || d.source_line as source
from departments as d
left join names as n on n.territory_code = d.department_code
union all
select
    p.territory_code,
    coalesce(dn.territory_name, p.territory_code),
    case when p.territory_code = '20' then 'department_whole' else 'department_part' end,
    case when p.territory_code = '20' then '94' else '84' end,
    case when p.territory_code = '20' then 'R94' else '69' end,
    case when p.territory_code = '20' then null else '69' end,
    true,
    'DREES séries longues (territory printed whole and as parts)'
from (values ('20'), ('69D'), ('69M')) as p (territory_code)
left join drees_names as dn using (territory_code)
union all
select
    'R' || region_code, region_name, 'region', region_code,
    case when region_code in ('01', '02', '03', '04', '06') then 'DROM' else 'FRMET' end,
    null, region_code not in ('01', '02', '03', '04', '06'),
    'INSEE COG, ' || source_file || ' line ' || source_line
from regions
union all
select
    t.territory_code, t.territory_name, t.territory_level, t.region_code, t.parent_code, t.whole_code,
    t.is_metropolitan, t.source
from (values
    ('FRMET', 'France métropolitaine', 'metropolitan_france', null, 'FR', null, true, 'INSEE, DREES (total rows)'),
    ('DROM', 'Départements et régions d''outre-mer', 'overseas', null, 'FR', null, false, 'INSEE, DREES (total rows)'),
    ('FR', 'France', 'country', null, null, null, null, 'INSEE, DREES (total rows)')
) as t (territory_code, territory_name, territory_level, region_code, parent_code, whole_code, is_metropolitan, source)
