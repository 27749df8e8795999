-- Population (both sexes) of each territory at each 1 January for the age ranges the rates use,
-- from the latest edition of each INSEE publication; where both publications give a range, the
-- later edition wins. A range is given only when whole bands cover it exactly.
with ranges as (
    select distinct age_min, age_max
    from {{ ref('official_rate_definitions') }}
    where denominator = 'population'
),

latest as (
    select *
    from {{ ref('stg_insee__population') }}
    where sex = 'all'
    qualify edition = max(edition) over (partition by publication_id)
),

bands as (
    select l.*, r.age_min as range_min, r.age_max as range_max
    from latest as l
    inner join ranges as r
      on (r.age_min = 0 and r.age_max is null and l.is_total_age)
      or (not l.is_total_age and not (r.age_min = 0 and r.age_max is null)
          and l.age_min >= r.age_min and (r.age_max is null or l.age_max <= r.age_max))
),

sums as (
    select
        publication_id, edition, territory_code, reference_date, range_min, range_max,
        min(age_min) as covered_min,
        bool_or(age_max is null) as open_ended,
        max(age_max) as covered_max,
        sum(population) as population,
        bool_or(provisional) as provisional,
        any_value(source_file) as source_file,
        any_value(sheet) as sheet,
        string_agg(source_cell, ' + ' order by source_cell) as source_cells
    from bands
    group by all
)

select
    publication_id, edition, territory_code, reference_date,
    range_min as age_min, range_max as age_max, population, provisional, source_file, sheet, source_cells
from sums
where covered_min = range_min
  and (range_max is null and open_ended or range_max is not null and not open_ended and covered_max = range_max)
qualify row_number() over (
    partition by territory_code, reference_date, range_min, range_max order by edition desc, publication_id asc
) = 1
