-- etablissements.html: one row per metropolitan département outline with the median permanent
-- single-room price of the latest edition of CNSA's export, its rank and the EHPAD listed (NULL:
-- the file lists none); role says which outline the map draws thick (the reports' département).
with latest as (
    select *
    from {{ ref('ehpad_price_summary') }}
    where is_latest_edition and measure_code = 'price_permanent_single' and territory_level = 'department'
)

select
    o.territory_code,
    o.territory_name,
    o.geometry_geojson,
    o.edition as outline_edition,
    o.source_file as outline_file,
    (select max(edition_year) from {{ ref('ehpad_price_summary') }}) as edition_year,
    l.establishments_listed,
    l.establishments_with_value,
    l.median_eur,
    l.rank_france,
    l.departments_ranked_france,
    l.source_file,
    p.role
from {{ ref('territory_outlines') }} as o
left join latest as l on l.territory_code = o.territory_code
left join {{ ref('rpt_reports__places') }} as p on p.territory_code = o.territory_code and p.role = 'focus'
where o.territory_level = 'department'
order by o.territory_code
