-- enveloppe.html: marts.envelopes with what the page needs to pick and compare them: the latest
-- published envelope of each département (the page's subject), the envelope of the year
-- before it (what its change is measured against), and the gap between the printed TOTAL row
-- and the sum of the printed amounts.
with envelopes as (
    select * from {{ ref('envelopes') }}
)

select
    e.*,
    coalesce(
        e.envelope_kind = 'published'
        and e.year = max(e.year) filter (where e.envelope_kind = 'published') over (partition by e.department_code),
        false
    ) as is_latest_published,
    -- the previous year's envelope, published or published-only, never a what-if
    (
        select min(p.envelope_id)
        from envelopes as p
        where p.department_code = e.department_code
            and p.year = e.year - 1
            and p.envelope_kind <> 'whatif'
    ) as previous_envelope_id,
    cast(e.published_total_eur - e.allocated_published_eur as decimal(14, 2)) as published_total_gap_eur
from envelopes as e
order by e.department_code, e.year, e.envelope_id
