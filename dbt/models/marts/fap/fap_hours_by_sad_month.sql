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
    hours.source_file
from {{ ref('int_fap__hours_by_sad_month_prestation') }} as hours
inner join {{ ref('stg_fap__sad_registry') }} as registry on registry.sad_id = hours.sad_id
