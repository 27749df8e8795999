-- Every column of seed drees_annual_measures is printed in every edition of DREES's annual file:
-- a renamed or removed column would silently drop its cross_publication checks. Rows returned
-- (the columns not found) fail the refresh.
{{ config(meta={'dagster': {'ref': {'name': 'stg_drees__aid_beneficiaries_annual'}}, 'description': "Every column of seed drees_annual_measures (sheet, header) is printed in every edition of DREES's annual file (staging.stg_drees__aid_beneficiaries_annual). Fails when one is not: a renamed or removed column, whose cross_publication checks would be lost."}) }}
with editions as (
    select distinct edition from {{ ref('stg_drees__aid_beneficiaries_annual') }}
),

printed as (
    select distinct edition, sheet, header_as_printed, measure_code
    from {{ ref('stg_drees__aid_beneficiaries_annual') }}
)

select e.edition, m.sheet, m.group_header, m.header
from {{ ref('drees_annual_measures') }} as m
cross join editions as e
left join printed as p
  on p.edition = e.edition and p.sheet = m.sheet and p.header_as_printed = m.header and p.measure_code = m.measure_code
where p.edition is null
