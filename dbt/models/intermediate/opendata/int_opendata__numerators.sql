-- The latest edition's département figures of every DREES measure, per "rate unit": the Rhône
-- is counted whole (69) or, when only its parts are printed, as 69D + 69M; Corsica as 2A and 2B
-- or, when only the whole is printed, as 20. No territory is counted twice.
with figures as (
    select measure_code, year, territory_code, value, edition, source_file, sheet, source_cell, unit
    from {{ ref('stg_drees__aid_beneficiaries') }}
    where not is_total_row and block = 'departements' and value is not null
    qualify edition = max(edition) over (partition by measure_code)
    union all
    select measure_code, year, territory_code, amount_eur, edition, source_file, sheet, source_cell, 'eur'
    from {{ ref('stg_drees__aid_spending') }}
    where not is_total_row and block = 'departements' and value is not null
    qualify edition = max(edition) over (partition by measure_code)
    union all
    select measure_code, year, territory_code, value, edition, source_file, sheet, source_cell, unit
    from {{ ref('stg_drees__aah_recipients') }}
    where not is_total_row and value is not null
),

with_units as (
    select
        *,
        case when territory_code in ('69D', '69M') then '69' else territory_code end as unit_code,
        territory_code in ('69D', '69M') as is_part
    from figures
),

-- a whole printed for the year beats its parts
chosen as (
    select *
    from with_units
    qualify not (is_part and bool_or(not is_part) over (partition by measure_code, year, unit_code))
)

select
    measure_code,
    year,
    unit_code as territory_code,
    sum(value) as value,
    any_value(edition) as edition,
    any_value(source_file) as source_file,
    any_value(sheet) as sheet,
    string_agg(source_cell, ' + ' order by source_cell) as source_cells
from chosen
group by measure_code, year, unit_code
-- Corsica: a whole (20) printed beside its parts is dropped when the parts are there
qualify not (unit_code = '20' and count(*) filter (where unit_code in ('2A', '2B')) over (partition by measure_code, year) > 0)
