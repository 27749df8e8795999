-- The money per hour of home care in Nord and Pas-de-Calais, side by side. Nord's rule (a
-- compensation per hour worked, the CNSA paying a share of it within a cap per hour, all read
-- from document 004) gives the hours behind its annual compensation; Pas-de-Calais passes its
-- CNSA envelope on prorata its FAP hours. Both rows show what Nord's rule gives on their hours.
with prose as (
    select figure_id, document_id, cast(source_line as integer) as source_line, value
    from {{ ref('stg_deliberations__prose_figures') }}
),

rule as (
    select
        rate.value as eur_per_hour,
        rate.source_line as rate_source_line,
        share.value as cnsa_share_pct,
        cap.value as cnsa_cap_eur_per_hour,
        least(rate.value * share.value * 0.01, cap.value) as cnsa_eur_per_hour
    from prose as rate, prose as share, prose as cap
    where rate.figure_id = 'compensation_eur_per_hour'
        and share.figure_id = 'cnsa_share_pct'
        and cap.figure_id = 'cnsa_cap_eur_per_hour'
),

nord as (
    select
        '59' as department_code,
        'Compensation départementale annuelle 2022 et 2023 (heures implicites : montant / compensation par heure)' as measure_fr,
        cast(n.value as integer) as sad_count,
        cast(null as integer) as associations_count,
        cast(a.value as decimal(14, 2)) as amount_eur,
        a.document_id as amount_document_id,
        a.source_line as amount_source_line,
        cast({{ exact_ratio('a.value', 'r.eur_per_hour', 2) }} as decimal(14, 2)) as hours,
        'implied' as hours_method,
        a.document_id as hours_document_id,
        r.rate_source_line as hours_source_line
    from prose as a
    inner join prose as n on n.figure_id = 'annual_compensation_sad_count'
    cross join rule as r
    where a.figure_id = 'annual_compensation_eur'
),

pas_de_calais as (
    select
        e.department_code,
        'Compensation CNSA (BAD) 2025 reversée au prorata des heures APA 2024 facturées via FAP' as measure_fr,
        s.services_count as sad_count,
        s.associations_count,
        e.envelope_eur as amount_eur,
        e.amount_document_id,
        e.amount_source_line,
        s.total_hours_billed as hours,
        'billed' as hours_method,
        s.document_id as hours_document_id,
        s.total_source_line as hours_source_line
    from {{ ref('int_envelopes') }} as e
    inner join {{ ref('sad_activity_summary') }} as s
        on s.department_code = e.department_code
        and s.year = e.basis_year
        and s.hours_source = e.hours_source
    where e.envelope_id = 'pdc_2025'
),

both_departments as (
    select * from nord
    union all
    select * from pas_de_calais
)

select
    b.department_code,
    t.territory_name as department_name,
    b.measure_fr,
    b.sad_count,
    b.associations_count,
    b.amount_eur,
    b.amount_document_id,
    b.amount_source_line,
    b.hours,
    b.hours_method,
    b.hours_document_id,
    b.hours_source_line,
    cast({{ exact_ratio('b.amount_eur', 'b.hours', 4) }} as decimal(10, 4)) as amount_eur_per_hour,
    cast(r.eur_per_hour as decimal(6, 2)) as reference_eur_per_hour,
    cast(r.cnsa_share_pct as decimal(5, 2)) as cnsa_share_pct,
    cast(r.cnsa_cap_eur_per_hour as decimal(6, 2)) as cnsa_cap_eur_per_hour,
    cast(r.cnsa_eur_per_hour as decimal(6, 2)) as cnsa_eur_per_hour,
    cast(round(b.hours * r.eur_per_hour, 2) as decimal(14, 2)) as amount_at_reference_rate_eur,
    cast(round(b.hours * r.cnsa_eur_per_hour, 2) as decimal(14, 2)) as cnsa_at_reference_rate_eur,
    r.rate_source_line
from both_departments as b
cross join rule as r
left join {{ ref('territories') }} as t on t.territory_code = b.department_code
order by b.department_code
