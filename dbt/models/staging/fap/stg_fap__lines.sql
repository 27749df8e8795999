-- A view, on purpose (every other model is a table): the lines are personal data, pseudonymised,
-- and must stay in the private work database. Publishing copies tables only, so this view, like
-- raw.fap_lines, never reaches analysts; and no 50-million-row copy is made on each refresh.
{{ config(materialized='view') }}

select
    month,
    cast(left(month, 4) as integer) as year,
    sad_id,
    finess,
    beneficiary_pseudonym,
    prestation,
    gir,
    hours_planned,
    hours_billed,
    hourly_rate_eur,
    amount_eur
from {{ source('fap', 'fap_lines') }}
