-- The annexes of amounts per SAD of every document loaded, in one long table: one row per annex
-- row (SAD or TOTAL) and measure (reference.compensation_measures), with the elderly (PA) /
-- disabled (PH) split where the measure is split. A sad_compensation_annex table gives one
-- measure (its catalogue parameter measure_code); a sad_compensation_renewal_annex gives three:
-- the forecast, what the previous CPOM already paid, and what remains to pay (split PA / PH).
with measures as (
    select * from {{ ref('compensation_measures') }}
),

annex as (
    select
        a.table_id, a.measure_code, a.year, a.document_id, a.source_line, a.printed_row, a.is_total,
        a.department_code, a.sad_name, a.city,
        a.amount_eur as total_eur, a.elderly_pa_eur, a.disabled_ph_eur
    from {{ ref('stg_deliberations__sad_compensation_annex') }} as a
),

renewal as (
    select
        r.table_id, m.measure_code, r.year, r.document_id, r.source_line, r.printed_row, r.is_total,
        r.department_code, r.sad_name, r.city,
        case m.kind_column
            when 'amount_eur' then r.amount_eur
            when 'already_paid_eur' then r.already_paid_eur
            when 'still_to_pay_eur' then r.still_to_pay_eur
        end as total_eur,
        case when m.has_pa_ph_split then r.elderly_pa_eur end as elderly_pa_eur,
        case when m.has_pa_ph_split then r.disabled_ph_eur end as disabled_ph_eur
    from {{ ref('stg_deliberations__sad_compensation_renewal_annex') }} as r
    inner join measures as m on m.kind = 'sad_compensation_renewal_annex'
)

select
    u.table_id,
    e.title as annex_title_fr,
    u.measure_code,
    cast(u.year as integer) as year,
    u.document_id,
    cast(u.source_line as integer) as source_line,
    cast(u.printed_row as integer) as printed_row,
    u.is_total,
    u.department_code,
    u.sad_name,
    u.city,
    cast(u.total_eur as decimal(14, 2)) as total_eur,
    cast(u.elderly_pa_eur as decimal(14, 2)) as elderly_pa_eur,
    cast(u.disabled_ph_eur as decimal(14, 2)) as disabled_ph_eur
from (
    select * from annex
    union all by name
    select * from renewal
) as u
inner join {{ ref('stg_deliberations__catalogue_entries') }} as e on e.table_id = u.table_id
