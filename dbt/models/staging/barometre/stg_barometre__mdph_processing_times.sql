-- The barometer's MDPH processing times, one row per printed record that carries a figure (the
-- régions are listed without any: those records are left out), typed. Territories as the COG
-- codes of every other mart: D62 -> 62, D2A -> 2A, D971 -> 971, R32 -> R32, FRANCE -> FR.
-- Figures are months with a decimal point; at most two decimals (the loader refused more).
select
    b.indic_id as indicator_id,
    case
        when b.enforce_zone_id = 'FRANCE' then 'FR'
        when b.enforce_zone_id like 'D%' then substr(b.enforce_zone_id, 2)
        else b.enforce_zone_id
    end as territory_code,
    b.enforce_zone_id as territory_as_printed,
    b.maille as level_as_printed,
    cast(b.metric_enforce_date as date) as measured_on,
    cast(b.indic_vi as decimal(8, 2)) as initial_value_months,
    cast(b.indic_va as decimal(8, 2)) as value_months,
    cast(b.indic_vc as decimal(8, 2)) as target_months,
    cast(b.indic_ta as decimal(8, 2)) as progress_rate_pct,
    b.publication_id,
    b.edition,
    b.source_file,
    b.sha256,
    b.source_line
from {{ source('barometre', 'opendata__barometre_mdph_processing_times') }} as b
where coalesce(b.indic_vi, b.indic_va, b.indic_vc, b.indic_ta) is not null
-- a later edition of the barometer replaces an earlier one's record of the same date
qualify row_number() over (
    partition by b.indic_id, b.enforce_zone_id, b.metric_enforce_date order by b.edition desc, b.source_file desc
) = 1
