-- The average processing time of requests to the MDPH (other than AAH, IND-296) and of AAH
-- requests (IND-297), in months, from the government's results barometer (CNSA's baromètre des
-- MDPH): one row per territory (COG: département, R + région, FR), indicator and date measured,
-- with the territory's initial value and its date, its target and the target's date (December
-- 2026), and the départements' ranks at each date (1 = the shortest time, the barometer's good
-- direction for both indicators being down). On the initial record the barometer prints the
-- value as the initial value only (indic_vi): that is the value of that date. France's value is
-- the barometer's own (weighted by requests, which the file does not give), never a mean.
with records as (
    select r.*, i.indicator_code, i.indicator_label_fr
    from {{ ref('stg_barometre__mdph_processing_times') }} as r
    inner join {{ ref('mdph_indicators') }} as i using (indicator_id)
),

measures as (
    select
        indicator_id, indicator_code, indicator_label_fr, territory_code, measured_on,
        coalesce(value_months, initial_value_months) as months,
        initial_value_months is not null as is_initial_record,
        progress_rate_pct, publication_id, edition, source_file, sha256, source_line
    from records
    where target_months is null and (value_months is not null or initial_value_months is not null)
),

initial as (
    select indicator_id, territory_code, measured_on as initial_measured_on, initial_value_months,
           source_line as initial_source_line
    from records
    where initial_value_months is not null
    qualify row_number() over (partition by indicator_id, territory_code order by measured_on) = 1
),

targets as (
    select indicator_id, territory_code, measured_on as target_date, target_months, source_line as target_source_line
    from records
    where target_months is not null
    qualify row_number() over (partition by indicator_id, territory_code order by measured_on desc) = 1
),

joined as (
    select
        m.*,
        i.initial_measured_on, i.initial_value_months, i.initial_source_line,
        t.target_date, t.target_months, t.target_source_line,
        d.indicator_name, d.good_direction, d.source_line as definition_source_line, d.source_file as definition_file,
        tt.territory_name, tt.territory_level, tt.region_code
    from measures as m
    left join initial as i using (indicator_id, territory_code)
    left join targets as t using (indicator_id, territory_code)
    left join {{ ref('stg_barometre__indicators') }} as d using (indicator_id)
    left join {{ ref('mart_territories') }} as tt on tt.territory_code = m.territory_code
),

ranked as (
    select
        *,
        -- the good direction of the indicator first: 1 = the best (shortest time when 'baisse')
        case when territory_level = 'department'
             then rank() over (partition by indicator_code, measured_on, territory_level = 'department'
                               order by case when good_direction = 'hausse' then -months else months end) end as rank_france,
        case when territory_level = 'department'
             then rank() over (partition by indicator_code, measured_on, region_code, territory_level = 'department'
                               order by case when good_direction = 'hausse' then -months else months end) end as rank_region,
        count(*) filter (where territory_level = 'department') over (partition by indicator_code, measured_on)
            as departments_ranked_france,
        count(*) filter (where territory_level = 'department') over (partition by indicator_code, measured_on, region_code)
            as departments_ranked_region,
        measured_on = max(measured_on) over (partition by indicator_code, territory_code) as is_latest
    from joined
)

select
    territory_code,
    territory_name,
    territory_level,
    region_code,
    indicator_code,
    indicator_label_fr as indicator_label,
    indicator_id,
    measured_on,
    months,
    is_initial_record,
    initial_measured_on,
    initial_value_months,
    target_date,
    target_months,
    cast(months - target_months as decimal(8, 2)) as gap_to_target_months,
    progress_rate_pct,
    rank_france,
    case when rank_france is not null then departments_ranked_france end as departments_ranked_france,
    rank_region,
    case when rank_region is not null then departments_ranked_region end as departments_ranked_region,
    is_latest,
    good_direction,
    'DITP (CNSA, baromètre des MDPH)' as publisher,
    publication_id,
    edition,
    source_file,
    sha256,
    source_line,
    initial_source_line,
    target_source_line
from ranked
