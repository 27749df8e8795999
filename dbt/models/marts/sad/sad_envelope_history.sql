-- Every year loaded, per home-care service (sad_key): the envelope of the year, the SAD's hours
-- it was split on, its share and amount, and the change from the year before (the same SAD in
-- the previous year's envelope). One row per SAD and published envelope (what-ifs excluded);
-- a SAD absent one year has no row that year, and its next row's change is empty.
with allocations as (
    select
        a.*,
        e.envelope_kind,
        coalesce(a.amount_published_eur, a.amount_computed_eur) as amount_eur
    from {{ ref('envelope_allocations') }} as a
    inner join {{ ref('int_envelopes') }} as e on e.envelope_id = a.envelope_id
    where e.envelope_kind <> 'whatif' and a.sad_key is not null
),

with_previous as (
    select
        c.*,
        p.year as previous_year,
        p.amount_eur as previous_amount_eur,
        p.hours_basis as previous_hours
    from allocations as c
    left join allocations as p
        on p.department_code = c.department_code and p.sad_key = c.sad_key and p.year = c.year - 1
)

select
    w.department_code,
    w.sad_key,
    l.sad_label,
    w.envelope_id,
    w.envelope_kind,
    cast(w.year as integer) as envelope_year,
    cast(w.basis_year as integer) as hours_year,
    w.envelope_eur,
    w.hours_basis as hours_billed,
    w.share_pct,
    cast(w.amount_eur as decimal(14, 2)) as amount_eur,
    w.amount_published_eur,
    w.amount_computed_eur,
    cast(w.previous_year as integer) as previous_envelope_year,
    cast(w.previous_amount_eur as decimal(14, 2)) as previous_amount_eur,
    cast(w.amount_eur - w.previous_amount_eur as decimal(14, 2)) as amount_change_eur,
    case when w.previous_amount_eur <> 0 then cast(
        {{ exact_ratio('w.amount_eur - w.previous_amount_eur', 'w.previous_amount_eur', 4, multiplier=100) }} as decimal(12, 4))
    end as amount_change_pct,
    cast(w.hours_basis - w.previous_hours as decimal(12, 2)) as hours_change,
    w.document_id,
    w.source_line
from with_previous as w
left join {{ ref('int_sad__labels') }} as l on l.sad_key = w.sad_key
order by w.department_code, w.sad_key, envelope_year
