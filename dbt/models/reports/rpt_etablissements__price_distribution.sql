-- etablissements.html: the distribution of EHPAD prices (permanent single room) and of each GIR
-- tariff, per edition of CNSA's export, for the département the reports are about, its région,
-- France métropolitaine and France (rpt_reports__places), with the département's ranks. A place
-- where the file lists no EHPAD has no row (the report says so).
select
    p.role,
    p.display_order,
    s.territory_code,
    s.territory_name,
    s.territory_level,
    s.edition_year,
    s.is_latest_edition,
    s.measure_code,
    s.measure_label,
    s.establishments_listed,
    s.establishments_with_value,
    s.min_eur,
    s.first_decile_eur,
    s.first_quartile_eur,
    s.median_eur,
    s.third_quartile_eur,
    s.ninth_decile_eur,
    s.max_eur,
    s.rank_france,
    s.departments_ranked_france,
    s.rank_region,
    s.departments_ranked_region,
    s.source_file
from {{ ref('ehpad_price_summary') }} as s
inner join {{ ref('rpt_reports__places') }} as p
  on p.territory_code = s.territory_code and p.role in ('focus', 'region', 'metropolitan', 'country')
order by s.measure_code, s.edition_year, p.display_order
