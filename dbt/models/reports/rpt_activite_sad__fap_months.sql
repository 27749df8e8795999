-- activite_sad.html, FAP part: hours and euros billed through FAP per département and month,
-- one column per prestation, with the month's totals and the year's APA hours (what the
-- chart's table and note print), so the report adds nothing up itself.
with per_prestation as (
    select
        department_code,
        year,
        month,
        prestation,
        sum(hours_billed) as hours_billed,
        sum(amount_eur) as amount_eur,
        count(distinct sad_key) as sad_count
    from {{ ref('fap_hours_by_sad_month') }}
    group by department_code, year, month, prestation
),

months as (
    select
        department_code,
        year,
        month,
        sum(hours_billed) filter (where prestation = 'APA') as apa_hours_billed,
        sum(hours_billed) filter (where prestation = 'PCH') as pch_hours_billed,
        sum(hours_billed) filter (where prestation = 'ASG') as asg_hours_billed,
        sum(hours_billed) as hours_billed,
        sum(amount_eur) as amount_eur
    from per_prestation
    group by department_code, year, month
)

select
    department_code,
    cast(year as integer) as year,
    month,
    year = max(year) over (partition by department_code) as is_latest_year,
    cast(count(*) over (partition by department_code, year) as integer) as months_in_year,
    cast(apa_hours_billed as decimal(14, 2)) as apa_hours_billed,
    cast(pch_hours_billed as decimal(14, 2)) as pch_hours_billed,
    cast(asg_hours_billed as decimal(14, 2)) as asg_hours_billed,
    cast(hours_billed as decimal(14, 2)) as hours_billed,
    cast(amount_eur as decimal(16, 2)) as amount_eur,
    cast(sum(apa_hours_billed) over (partition by department_code, year) as decimal(14, 2)) as year_apa_hours_billed
from months
order by department_code, month
