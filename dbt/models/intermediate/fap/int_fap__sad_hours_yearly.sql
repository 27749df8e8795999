-- Annual hours per SAD from the FAP exports, with the SAD's name and city as printed in the
-- annex: the alternative hours basis for the allocation engine and marts.sad_activity
-- (int_sad_hours, hours_source 'fap_exports', complete years only). A year is complete for a
-- département when its SAD have FAP lines in all 12 months (department_months_reported = 12).
with yearly as (
    select
        year,
        sad_id,
        sum(hours_billed) filter (where prestation = 'APA') as apa_hours_billed,
        sum(hours_billed) filter (where prestation = 'PCH') as pch_hours_billed,
        sum(hours_billed) filter (where prestation = 'ASG') as asg_hours_billed,
        sum(hours_billed) as hours_billed,
        sum(amount_eur) as amount_eur,
        count(distinct month) as months_reported,
        max(source_loaded_at) as last_loaded_at
    from {{ ref('int_fap__hours_by_sad_month_prestation') }}
    group by year, sad_id
),

department_months as (
    -- months of the year with at least one FAP line for a SAD of the département
    select registry.department_code, monthly.year, count(distinct monthly.month) as months_reported
    from {{ ref('int_fap__hours_by_sad_month_prestation') }} as monthly
    inner join {{ ref('stg_fap__sad_registry') }} as registry on registry.sad_id = monthly.sad_id
    group by registry.department_code, monthly.year
)

select
    yearly.year,
    registry.department_code,
    yearly.sad_id,
    registry.finess,
    registry.sad_name,
    registry.city,
    cast(coalesce(yearly.apa_hours_billed, 0) as decimal(14, 2)) as apa_hours_billed,
    cast(coalesce(yearly.pch_hours_billed, 0) as decimal(14, 2)) as pch_hours_billed,
    cast(coalesce(yearly.asg_hours_billed, 0) as decimal(14, 2)) as asg_hours_billed,
    cast(yearly.hours_billed as decimal(14, 2)) as hours_billed,
    cast(yearly.amount_eur as decimal(16, 2)) as amount_eur,
    cast(yearly.months_reported as integer) as months_reported,
    cast(department_months.months_reported as integer) as department_months_reported,
    yearly.last_loaded_at
from yearly
inner join {{ ref('stg_fap__sad_registry') }} as registry on registry.sad_id = yearly.sad_id
inner join department_months
    on department_months.department_code = registry.department_code
    and department_months.year = yearly.year
