-- The annex (`make annex`): every SAD of the FAP registry (raw/fap/sad_registry.csv) of an
-- envelope's département that has no hours in the FAP exports the envelope is split on (its
-- basis year): it would get nothing, silently. The annex refuses to print while this lists any
-- SAD for its envelope. Only envelopes split on the FAP exports (hours_source 'fap_exports').
with envelopes as (
    select * from {{ ref('envelopes') }}
    where hours_source = 'fap_exports'
),

registry as (
    select r.department_code, r.sad_id, r.finess, r.sad_name, r.city, k.sad_key
    from {{ ref('stg_fap__sad_registry') }} as r
    inner join {{ ref('int_sad__keys') }} as k
        on k.department_code = r.department_code and k.sad_name = r.sad_name and k.city is not distinct from r.city
)

select
    e.envelope_id,
    e.department_code,
    cast(e.basis_year as integer) as basis_year,
    r.sad_key,
    r.sad_id,
    r.finess,
    r.sad_name,
    r.city
from envelopes as e
inner join registry as r on r.department_code = e.department_code
where not exists (
    select 1 from {{ ref('envelope_allocations') }} as a
    where a.envelope_id = e.envelope_id and a.sad_key = r.sad_key
)
order by e.envelope_id, r.sad_name, r.city
