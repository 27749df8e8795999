-- etablissements.html: one row per metropolitan département outline and MDPH indicator with the
-- département's last processing time (months), its gap to the 2026 target and its rank (NULL: no
-- figure); role says which outline the map draws thick (the reports' département).
with latest as (
    select *
    from {{ ref('mdph_processing_times') }}
    where is_latest and territory_level = 'department'
),

indicators as (
    select distinct indicator_code, indicator_label from {{ ref('mdph_processing_times') }}
)

select
    o.territory_code,
    o.territory_name,
    o.geometry_geojson,
    o.edition as outline_edition,
    o.source_file as outline_file,
    i.indicator_code,
    i.indicator_label,
    l.measured_on,
    l.months,
    l.target_months,
    l.gap_to_target_months,
    l.rank_france,
    l.departments_ranked_france,
    l.edition,
    l.source_file,
    l.source_line,
    p.role
from {{ ref('territory_outlines') }} as o
cross join indicators as i
left join latest as l on l.territory_code = o.territory_code and l.indicator_code = i.indicator_code
left join {{ ref('rpt_reports__places') }} as p on p.territory_code = o.territory_code and p.role = 'focus'
where o.territory_level = 'department'
order by i.indicator_code, o.territory_code
