-- enveloppe.html, the what-if and the notebook: one row per envelope and SAD as the page shows
-- it. The amount shown is the published one when the document prints it (ours equals it to
-- the cent: blocking engine check), ours otherwise (what-if). Each SAD carries the line of its
-- annex row (marts.envelope_allocations), its rank by amount (the chart's order) and by hours
-- (the annex's largest services), the running share of the envelope by hours rank, and, for a
-- what-if, the amount the same SAD (same sad_key) got in the latest published envelope.
-- The annex of a what-if (`make whatif`, `make annex`) prints the rows in annex_rank order and
-- the share rounded to 2 decimals (share_rounded_pct), both made here.
with allocations as (
    select
        a.*,
        coalesce(a.amount_published_eur, a.amount_computed_eur) as amount_eur,
        sum(a.hours_basis) over (partition by a.envelope_id) as envelope_hours,
        row_number() over (
            partition by a.envelope_id order by a.hours_basis desc nulls last, a.sad_name asc, a.city asc
        ) as hours_rank
    from {{ ref('envelope_allocations') }} as a
),

envelopes as (
    select * from {{ ref('rpt_enveloppe__envelopes') }}
),

-- a what-if is compared with the latest published envelope of its département
reference as (
    select w.envelope_id, l.envelope_id as reference_envelope_id
    from envelopes as w
    inner join envelopes as l on l.department_code = w.department_code and l.is_latest_published
    where w.envelope_kind = 'whatif'
),

ranked as (
    select
        a.*,
        row_number() over (partition by a.envelope_id order by a.amount_eur desc, a.sad_name asc, a.city asc) as amount_rank,
        sum(a.amount_eur) over (
            partition by a.envelope_id order by a.hours_rank rows between unbounded preceding and current row
        ) as cumulative_amount_by_hours_eur
    from allocations as a
)

select
    r.envelope_id,
    r.department_code,
    r.year,
    r.basis_year,
    r.envelope_eur,
    r.sad_key,
    r.sad_name,
    r.city,
    l.sad_label,
    r.hours_basis,
    r.share_pct,
    cast(r.amount_eur as decimal(14, 2)) as amount_eur,
    r.amount_computed_eur,
    r.amount_published_eur,
    r.delta_eur,
    r.document_id,
    r.source_line,
    cast(r.amount_rank as integer) as amount_rank,
    cast(r.hours_rank as integer) as hours_rank,
    s.associations_count,
    cast({{ exact_ratio('r.amount_eur', 'r.envelope_eur', 6, multiplier=100) }} as decimal(9, 6)) as envelope_share_pct,
    cast(r.cumulative_amount_by_hours_eur as decimal(14, 2)) as cumulative_amount_by_hours_eur,
    cast({{ exact_ratio('r.cumulative_amount_by_hours_eur', 'r.envelope_eur', 6, multiplier=100) }} as decimal(9, 6))
        as cumulative_envelope_share_by_hours_pct,
    f.reference_envelope_id,
    cast(c.amount_eur as decimal(14, 2)) as reference_amount_eur,
    cast(r.amount_eur - c.amount_eur as decimal(14, 2)) as change_vs_reference_eur,
    -- hours / total hours × 100 rounded half-up to 2 decimals directly (not from the 6-decimal share)
    cast({{ exact_ratio('r.hours_basis', 'r.envelope_hours', 2, multiplier=100) }} as decimal(5, 2)) as share_rounded_pct,
    -- the annex's order: the rows of the latest published annex of the département in its printed
    -- order (same sad_key; a published envelope: its own annex), then any other SAD by name and city
    cast(row_number() over (
        partition by r.envelope_id
        order by coalesce(c.published_source_line, r.published_source_line, r.source_line) nulls last, r.sad_name, r.city
    ) as integer) as annex_rank
from ranked as r
inner join envelopes as e on e.envelope_id = r.envelope_id
-- the federation's associations, from the hours row the split is on
left join {{ ref('sad_activity') }} as s
    on s.sad_key = r.sad_key and s.hours_source = e.hours_source and s.year = r.basis_year
left join reference as f on f.envelope_id = r.envelope_id
left join {{ ref('int_sad__labels') }} as l on l.sad_key = r.sad_key
left join allocations as c on c.envelope_id = f.reference_envelope_id and c.sad_key = r.sad_key
order by r.year, r.envelope_id, amount_rank
