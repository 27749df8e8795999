-- DREES beneficiaries of départements' social aid (séries longues, every edition present) and
-- AAH recipients (minima sociaux), one row per printed figure, with file, sheet and cell.
{{ aid_mart('stg_drees__aid_beneficiaries', 'cast(s.value as decimal(18, 2)) as value') }}
union all
{{ aid_mart('stg_drees__aah_recipients', 'cast(s.value as decimal(18, 2)) as value') }}
