-- Hours and euros billed through FAP per SAD, month and prestation, for analysts (aggregates
-- only: no beneficiary-level data, no beneficiary counts here).
select
    hours.month,
    hours.year,
    registry.department_code,
    hours.sad_id,
    registry.sad_name,
    registry.city,
    hours.prestation,
    hours.hours_planned,
    hours.hours_billed,
    hours.amount_eur,
    hours.source_file,
    k.sad_key
from {{ ref('int_fap__hours_by_sad_month_prestation') }} as hours
inner join {{ ref('stg_fap__sad_registry') }} as registry on registry.sad_id = hours.sad_id
-- a registry SAD is in int_sad__keys under its registry spelling: sad_key = FINESS-<finess>
left join {{ ref('int_sad__keys') }} as k
    on k.department_code = registry.department_code
    and k.sad_name = registry.sad_name
    and k.city is not distinct from registry.city
