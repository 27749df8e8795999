-- One row per envelope and SAD: our cent-exact allocation beside the published amount.
-- Published-only envelopes (split on hours no document gives) have no computed amount; their
-- share is the one implied by the published amounts.
with envelopes as (
    select * from {{ ref('int_envelopes') }}
),

computed as (
    select * from {{ ref('int_envelope_allocations') }}
),

published as (
    select * from {{ ref('int_envelope_published_amounts') }}
),

-- the annex row of each SAD's hours, for the envelopes split on hours (their basis year and source)
hours as (
    select hours_source, department_code, year, sad_name, city, document_id, table_id, source_line, is_year_reference
    from {{ ref('int_sad_hours') }}
),

rows as (
    select
        coalesce(c.envelope_id, p.envelope_id) as envelope_id,
        coalesce(c.sad_name, p.sad_name) as sad_name,
        coalesce(c.city, p.city) as city,
        c.hours_basis,
        c.share_pct,
        c.amount_computed_eur,
        p.amount_published_eur,
        p.document_id as published_document_id,
        p.source_line as published_source_line
    from computed as c
    full outer join published as p
        on p.envelope_id = c.envelope_id
        and p.sad_name = c.sad_name
        and p.city is not distinct from c.city
)

select
    e.envelope_id,
    e.department_code,
    cast(e.year as integer) as year,
    cast(e.basis_year as integer) as basis_year,
    e.envelope_eur,
    r.sad_name,
    r.city,
    cast(r.hours_basis as decimal(12, 2)) as hours_basis,
    cast(coalesce(
        r.share_pct,
        {{ exact_ratio('r.amount_published_eur', 'e.envelope_eur', 6, multiplier=100) }}
    ) as decimal(9, 6)) as share_pct,
    r.amount_computed_eur,
    r.amount_published_eur,
    cast(r.amount_computed_eur - r.amount_published_eur as decimal(14, 2)) as delta_eur,
    k.sad_key,
    -- provenance of the row: the line printing the SAD's hours the split is on, else the line
    -- printing its published amount (a published-only envelope has no hours)
    coalesce(h.document_id, r.published_document_id) as document_id,
    cast(coalesce(h.source_line, r.published_source_line) as integer) as source_line,
    r.published_document_id,
    cast(r.published_source_line as integer) as published_source_line
from rows as r
inner join envelopes as e on e.envelope_id = r.envelope_id
left join {{ ref('int_sad__keys') }} as k
    on k.department_code = e.department_code
    and k.sad_name = r.sad_name
    and k.city is not distinct from r.city
left join hours as h
    on {{ envelope_hours_join('h', 'e') }}
    and h.sad_name = r.sad_name
    and h.city is not distinct from r.city
order by e.year, e.envelope_id, r.sad_name, r.city
