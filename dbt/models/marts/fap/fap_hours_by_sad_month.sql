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
inner join {{ ref('stg_fap__sad_registry') }} as registry on hours.sad_id = registry.sad_id
-- a registry SAD is in int_sad__keys under its registry spelling: sad_key = FINESS-<finess>
left join {{ ref('int_sad__keys') }} as k
    on
        registry.department_code = k.department_code
        and registry.sad_name = k.sad_name
        and k.city is not distinct from registry.city
