-- CNSA's export of the prices EHPAD declare: one row per establishment (FINESS) and edition, the
-- accommodation prices per day (permanent and temporary; single and double room; with and without
-- aide sociale) and the three dependency tariffs the département sets (GIR 1-2, 3-4, 5-6), in €
-- per day, as declared (a NULL price was not declared; a price outside its plausible range is
-- kept, and reported by the check plausible_range). The file names no establishment: FINESS only.
select
    p.finess,
    p.edition_year,
    p.department_code,
    t.region_code,
    p.price_permanent_single_eur,
    p.price_permanent_double_eur,
    p.price_permanent_single_social_aid_eur,
    p.price_permanent_double_social_aid_eur,
    p.price_temporary_single_eur,
    p.price_temporary_double_eur,
    p.price_temporary_single_social_aid_eur,
    p.price_temporary_double_social_aid_eur,
    p.tariff_gir_1_2,
    p.tariff_gir_3_4,
    p.tariff_gir_5_6,
    p.updated_at,
    p.edition_year = max(p.edition_year) over () as is_latest_edition,
    'CNSA' as publisher,
    p.publication_id,
    p.edition,
    p.source_file,
    p.sha256,
    p.source_line
from {{ ref('stg_cnsa__ehpad_prices') }} as p
left join {{ ref('mart_territories') }} as t
  on t.territory_code = p.department_code and t.territory_level = 'department'
