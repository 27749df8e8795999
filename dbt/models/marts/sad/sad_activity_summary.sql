-- One row per département, year and source of hours: total hours, number of services, and how
-- concentrated the activity is (share of the 5 and 10 largest, Herfindahl-Hirschman index,
-- Gini coefficient). Exact integer arithmetic on hundredths of hours, rounded at the end.
with activity as (
    select
        *,
        {{ to_scaled('hours_billed') }} as hours_centi,
        row_number() over (
            partition by department_code, year, hours_source
            order by hours_billed, sad_name, city
        ) as ascending_rank
    from {{ ref('sad_activity') }}
),

sums as (
    select
        department_code,
        year,
        hours_source,
        count(*) as n,
        sum(associations_count) as associations_count,
        sum(hours_centi) as total_centi,
        sum(hours_centi) filter (where rank <= 5) as top5_centi,
        sum(hours_centi) filter (where rank <= 10) as top10_centi,
        sum(hours_centi * hours_centi) as squares_centi,
        sum(ascending_rank * hours_centi) as rank_weighted_centi,
        any_value(document_id) as document_id
    from activity
    group by department_code, year, hours_source
),

printed_totals as (
    -- the TOTAL row of the annex whose hours are the year's reference (int_sad_hours), for the source read from the annexes
    select 'fap_annex' as hours_source, department_code, hours_year as year, hours_billed as hours, source_line
    from {{ ref('stg_deliberations__sad_envelope_annex') }}
    where is_total
        and table_id in (
            select table_id from {{ ref('int_sad_hours') }}
            where is_year_reference
        )
)

select
    s.department_code,
    cast(s.year as integer) as year,
    s.hours_source,
    cast({{ from_scaled('s.total_centi', 2) }} as decimal(14, 2)) as total_hours_billed,
    cast(t.hours as decimal(14, 2)) as total_hours_published,
    s.document_id,
    cast(t.source_line as integer) as total_source_line,
    cast(s.n as integer) as services_count,
    cast(s.associations_count as integer) as associations_count,
    cast({{ from_scaled(div_half_up('s.top5_centi * 100000000', 's.total_centi'), 6) }} as decimal(9, 6)) as top5_share_pct,
    cast({{ from_scaled(div_half_up('s.top10_centi * 100000000', 's.total_centi'), 6) }} as decimal(9, 6)) as top10_share_pct,
    -- HHI on shares in %: 10 000 × Σ h² / (Σ h)², from 10 000 / n (even) to 10 000 (one service)
    cast({{ from_scaled(div_half_up('s.squares_centi * 10000 * 1000000', 's.total_centi * s.total_centi'), 6) }} as decimal(12, 6)) as hhi,
    -- Gini = (2 Σ i·h(i) − (n + 1) Σ h) / (n Σ h), h sorted ascending, i = 1..n
    cast({{ from_scaled(div_half_up(
        '(2 * s.rank_weighted_centi - (s.n + 1) * s.total_centi) * 100000000',
        's.n * s.total_centi'), 8) }} as decimal(10, 8)) as gini
from sums as s
left join printed_totals as t
    on t.hours_source = s.hours_source
    and t.department_code = s.department_code
    and t.year = s.year
order by s.department_code, s.year, s.hours_source
