-- The allocation engine: each envelope split between SAD prorata their hours, to the cent.
-- Every share is rounded half-up to the cent; the cents that the rounded amounts miss (or
-- exceed) are then given (or taken) one by one by largest rounding remainder, ties broken by
-- SAD name then city (as printed), so the amounts add up exactly to the envelope. Integer arithmetic (cents, hundredths
-- of hours): no floating point anywhere.
with basis as (
    select
        e.envelope_id,
        h.sad_name,
        h.city,
        h.hours,
        {{ to_scaled('e.envelope_eur') }} as envelope_cents,
        {{ to_scaled('h.hours') }} as hours_centi,
        sum({{ to_scaled('h.hours') }}) over (partition by e.envelope_id) as total_hours_centi
    from {{ ref('int_envelopes') }} as e
    inner join {{ ref('int_sad_hours') }} as h
        on {{ envelope_hours_join('h', 'e') }}
),

rounded as (
    select
        *,
        -- the exact share in cents is envelope_cents × hours_centi / total_hours_centi
        {{ div_half_up('envelope_cents * hours_centi', 'total_hours_centi') }} as rounded_cents
    from basis
    where total_hours_centi > 0
),

remainders as (
    select
        *,
        -- (exact − rounded) × total_hours_centi: comparable within an envelope, exact
        envelope_cents * hours_centi - rounded_cents * total_hours_centi as remainder,
        envelope_cents - sum(rounded_cents) over (partition by envelope_id) as cents_to_adjust
    from rounded
),

ranked as (
    select
        *,
        row_number() over (partition by envelope_id order by remainder desc, sad_name asc, city asc) as rank_to_receive,
        row_number() over (partition by envelope_id order by remainder asc, sad_name asc, city asc) as rank_to_give
    from remainders
),

adjusted as (
    select
        *,
        case
            when cents_to_adjust > 0 and rank_to_receive <= cents_to_adjust then 1
            when cents_to_adjust < 0 and rank_to_give <= -cents_to_adjust then -1
            else 0
        end as cents_adjusted
    from ranked
)

select
    envelope_id,
    sad_name,
    city,
    hours as hours_basis,
    cast({{ from_scaled(div_half_up('hours_centi * 100000000', 'total_hours_centi'), 6) }} as decimal(9, 6)) as share_pct,
    cast({{ from_scaled('rounded_cents + cents_adjusted', 2) }} as decimal(14, 2)) as amount_computed_eur,
    cast(cents_adjusted as integer) as cents_adjusted
from adjusted
