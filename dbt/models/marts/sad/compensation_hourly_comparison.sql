-- The money per hour of home care of every département the loaded documents give one for, side
-- by side. A département with a compensation rule (a compensation per hour worked, the CNSA
-- paying a share of it within a cap per hour: figures with roles compensation_eur_per_hour,
-- cnsa_share_pct, cnsa_cap_eur_per_hour) gives the hours behind its annual compensation (role
-- annual_compensation_eur); a département that passes its CNSA envelope on prorata its FAP
-- hours (envelope annex) gives its latest envelope and hours. Every row also shows what the
-- reference rule gives on its hours: the département's own rule, else the first rule loaded.
with prose as (
    select p.role, p.document_id, d.department_code, cast(p.source_line as integer) as source_line, p.value
    from {{ ref('stg_deliberations__prose_figures') }} as p
    inner join {{ ref('stg_deliberations__documents') }} as d on d.document_id = p.document_id
),

first_of_role as (
    select role, document_id, department_code, arg_min(value, source_line) as value, min(source_line) as source_line
    from prose
    group by role, document_id, department_code
),

rules as (
    select
        rate.document_id,
        rate.department_code,
        rate.value as eur_per_hour,
        rate.source_line as rate_source_line,
        share.value as cnsa_share_pct,
        cap.value as cnsa_cap_eur_per_hour,
        least(rate.value * share.value * 0.01, cap.value) as cnsa_eur_per_hour
    from first_of_role as rate
    inner join first_of_role as share on share.document_id = rate.document_id and share.role = 'cnsa_share_pct'
    inner join first_of_role as cap on cap.document_id = rate.document_id and cap.role = 'cnsa_cap_eur_per_hour'
    where rate.role = 'compensation_eur_per_hour'
),

rule_departments as (
    select
        r.department_code,
        'Compensation départementale annuelle (heures implicites : montant / compensation par heure)' as measure_fr,
        cast(n.value as integer) as sad_count,
        cast(null as integer) as associations_count,
        cast(a.value as decimal(14, 2)) as amount_eur,
        a.document_id as amount_document_id,
        a.source_line as amount_source_line,
        cast({{ exact_ratio('a.value', 'r.eur_per_hour', 2) }} as decimal(14, 2)) as hours,
        'implied' as hours_method,
        a.document_id as hours_document_id,
        r.rate_source_line as hours_source_line
    from rules as r
    inner join first_of_role as a on a.document_id = r.document_id and a.role = 'annual_compensation_eur'
    left join first_of_role as n on n.document_id = r.document_id and n.role = 'annual_compensation_sad_count'
),

latest_envelopes as (
    select *
    from {{ ref('int_envelopes') }}
    where envelope_kind = 'published'
    qualify row_number() over (partition by department_code order by year desc) = 1
),

envelope_departments as (
    select
        e.department_code,
        'Compensation CNSA (BAD) ' || e.year || ' reversée au prorata des heures APA ' || e.basis_year
        || ' facturées via FAP' as measure_fr,
        s.services_count as sad_count,
        s.associations_count,
        e.envelope_eur as amount_eur,
        e.amount_document_id,
        e.amount_source_line,
        s.total_hours_billed as hours,
        'billed' as hours_method,
        s.document_id as hours_document_id,
        s.total_source_line as hours_source_line
    from latest_envelopes as e
    inner join {{ ref('sad_activity_summary') }} as s
        on s.department_code = e.department_code
        and s.year = e.basis_year
        and s.hours_source = e.hours_source
),

departments as (
    select * from rule_departments
    union all
    select * from envelope_departments
),

-- the rule each row is measured against: its département's own, else the first one loaded
reference as (
    select d.department_code, d.measure_fr, arg_min(r, (r.department_code <> d.department_code, r.document_id)) as rule
    from departments as d
    cross join rules as r
    group by d.department_code, d.measure_fr
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
    cast(struct_extract(f.rule, 'eur_per_hour') as decimal(6, 2)) as reference_eur_per_hour,
    cast(struct_extract(f.rule, 'cnsa_share_pct') as decimal(5, 2)) as cnsa_share_pct,
    cast(struct_extract(f.rule, 'cnsa_cap_eur_per_hour') as decimal(6, 2)) as cnsa_cap_eur_per_hour,
    cast(struct_extract(f.rule, 'cnsa_eur_per_hour') as decimal(6, 2)) as cnsa_eur_per_hour,
    cast(round(b.hours * struct_extract(f.rule, 'eur_per_hour'), 2) as decimal(14, 2)) as amount_at_reference_rate_eur,
    cast(round(b.hours * struct_extract(f.rule, 'cnsa_eur_per_hour'), 2) as decimal(14, 2)) as cnsa_at_reference_rate_eur,
    struct_extract(f.rule, 'rate_source_line') as rate_source_line,
    struct_extract(f.rule, 'document_id') as rate_document_id
from departments as b
inner join reference as f on f.department_code = b.department_code and f.measure_fr = b.measure_fr
left join {{ ref('mart_territories') }} as t on t.territory_code = b.department_code
order by b.department_code
