-- Annexes 1, 4 and 5 of the Nord deliberation in one long table: one row per annex row (SAD or
-- TOTAL) and measure, with the elderly (PA) / disabled (PH) split where the annex prints one.
{%- set split_annexes = [
    ('annex1_salary_compensation_2022', 'salary_compensation_complement', 'stg_nord_cd_2023_dira_415__annex1_salary_compensation_2022'),
    ('annex4_quality_complement_2023', 'quality_complement', 'stg_nord_cd_2023_dira_415__annex4_quality_complement_2023'),
    ('annex5_first_cpom_2023', 'quality_grant_first_cpom', 'stg_nord_cd_2023_dira_415__annex5_first_cpom_2023'),
] %}
{%- set renewed = 'stg_nord_cd_2023_dira_415__annex5_renewed_cpom_2023' %}
{%- set renewed_measures = [
    ('quality_grant_renewed_cpom_forecast', 'amount_eur', false),
    ('quality_grant_renewed_cpom_already_paid', 'already_paid_eur', false),
    ('quality_grant_renewed_cpom_still_to_pay', 'still_to_pay_eur', true),
] %}
{%- for annex_code, measure_code, model in split_annexes %}
select
    '{{ annex_code }}' as annex_code,
    '{{ measure_code }}' as measure_code,
    document_id, source_line, printed_row, is_total, department_code, sad_name, city,
    amount_eur as total_eur, elderly_pa_eur, disabled_ph_eur
from {{ ref(model) }}
union all
{%- endfor %}
{%- for measure_code, column, split in renewed_measures %}
select
    'annex5_renewed_cpom_2023' as annex_code,
    '{{ measure_code }}' as measure_code,
    document_id, source_line, printed_row, is_total, department_code, sad_name, city,
    {{ column }} as total_eur,
    {{ 'elderly_pa_eur' if split else 'cast(null as decimal(14, 2))' }} as elderly_pa_eur,
    {{ 'disabled_ph_eur' if split else 'cast(null as decimal(14, 2))' }} as disabled_ph_eur
from {{ ref(renewed) }}
{% if not loop.last %}union all{% endif %}
{%- endfor %}
