-- comparaisons.html, footnotes: the sheet each official figure was read from, per publication,
-- edition, measure and year (DREES numerators: marts.aid_beneficiaries) or population date (INSEE
-- denominators: marts.population), one row per distinct sheet.
select distinct
    'numerator' as part,
    publisher,
    publication_id,
    edition,
    measure_code,
    year,
    cast(null as date) as reference_date,
    sheet
from {{ ref('aid_beneficiaries') }}
union all
select distinct
    'population',
    publisher,
    publication_id,
    edition,
    null,
    null,
    reference_date,
    sheet
from {{ ref('population') }}
where sex = 'all'
