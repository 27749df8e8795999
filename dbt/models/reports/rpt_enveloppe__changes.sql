-- enveloppe.html, change chart: per SAD (matched on sad_key), each envelope against the
-- previous year's PUBLISHED amounts and shares. A published-only envelope such as pdc_2024 was
-- split on hours no document gives: its share is the one implied by its amounts, never our
-- hours. Exact decimals; change_rank = largest increase first; change_total_eur = the sum of
-- the changes (it differs from the envelopes' difference by the printed TOTAL's gap).
with envelopes as (
    select envelope_id, previous_envelope_id
    from {{ ref('rpt_enveloppe__envelopes') }}
    where previous_envelope_id is not null
),

current_rows as (
    select e.envelope_id as pair_id, e.previous_envelope_id, c.*
    from envelopes as e
    inner join {{ ref('rpt_enveloppe__allocations') }} as c on c.envelope_id = e.envelope_id
),

previous_rows as (
    select e.envelope_id as pair_id, e.previous_envelope_id, p.*
    from envelopes as e
    inner join {{ ref('envelope_allocations') }} as p on p.envelope_id = e.previous_envelope_id
),

compared as (
    select
        coalesce(c.pair_id, p.pair_id) as envelope_id,
        coalesce(c.previous_envelope_id, p.previous_envelope_id) as previous_envelope_id,
        coalesce(c.sad_key, p.sad_key) as sad_key,
        coalesce(c.sad_name, p.sad_name) as sad_name,
        coalesce(c.city, p.city) as city,
        c.document_id,
        c.source_line,
        p.amount_published_eur as previous_eur,
        p.share_pct as previous_share_pct,
        c.amount_eur as current_eur,
        c.share_pct as current_share_pct,
        c.amount_eur - p.amount_published_eur as change_eur,
        c.share_pct - p.share_pct as change_share_points
    from current_rows as c
    full outer join previous_rows as p on p.pair_id = c.pair_id and p.sad_key = c.sad_key
)

select
    c.envelope_id,
    c.previous_envelope_id,
    c.sad_key,
    c.sad_name,
    c.city,
    l.sad_label,
    c.document_id,
    c.source_line,
    c.previous_eur,
    c.previous_share_pct,
    c.current_eur,
    c.current_share_pct,
    cast(c.change_eur as decimal(14, 2)) as change_eur,
    cast(c.change_share_points as decimal(10, 6)) as change_share_points,
    cast(row_number() over (
        partition by c.envelope_id order by c.change_eur desc nulls last, c.sad_name asc, c.city asc
    ) as integer) as change_rank,
    cast(sum(c.change_eur) over (partition by c.envelope_id) as decimal(14, 2)) as change_total_eur
from compared as c
left join {{ ref('int_sad__labels') }} as l on l.sad_key = c.sad_key
order by c.envelope_id, change_rank
