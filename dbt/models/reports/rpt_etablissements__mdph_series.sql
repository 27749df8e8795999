-- etablissements.html: the MDPH processing times (requests other than AAH, AAH requests) of the
-- département the reports are about, its région and France (rpt_reports__places), at every date
-- the barometer gives, with the December 2026 target and the département's rank. The barometer
-- prints no figure for the régions: they have no row (the report says so).
select
    p.role,
    p.display_order,
    m.territory_code,
    m.territory_name,
    m.indicator_code,
    m.indicator_label,
    m.indicator_id,
    m.measured_on,
    m.months,
    m.is_initial_record,
    m.initial_measured_on,
    m.initial_value_months,
    m.target_date,
    m.target_months,
    m.gap_to_target_months,
    m.rank_france,
    m.departments_ranked_france,
    m.is_latest,
    m.edition,
    m.source_file,
    m.source_line,
    m.target_source_line
from {{ ref('mdph_processing_times') }} as m
inner join {{ ref('rpt_reports__places') }} as p
  on p.territory_code = m.territory_code and p.role in ('focus', 'region', 'country')
order by m.indicator_code, p.display_order, m.measured_on
