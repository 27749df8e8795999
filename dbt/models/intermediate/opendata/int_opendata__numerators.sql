-- The latest edition's département figures of every DREES measure, per "rate unit": the Rhône as
-- 69 (its parts 69D + 69M summed when both are printed); Corsica as 2A and 2B, or as 20 when the
-- parts are not both printed (macros/opendata/counts_once.sql). No territory is counted twice.
with figures as (
    select measure_code, year, header_as_printed, territory_code, value, edition, source_file, sheet, source_cell, unit
    from {{ ref('stg_drees__aid_beneficiaries') }}
    where not is_total_row and block = 'departements' and value is not null
    qualify edition = max(edition) over (partition by measure_code)
    union all
    select measure_code, year, header_as_printed, territory_code, amount_eur, edition, source_file, sheet, source_cell, 'eur'
    from {{ ref('stg_drees__aid_spending') }}
    where not is_total_row and block = 'departements' and value is not null
    qualify edition = max(edition) over (partition by measure_code)
    union all
    -- minima sociaux: 2016 is printed twice, before and after a break in the series ("2016 (1)"):
    -- the annotated column, consistent with the later years, is the one used
    select measure_code, year, header_as_printed, territory_code, value, edition, source_file, sheet, source_cell, unit
    from {{ ref('stg_drees__aah_recipients') }}
    where not is_total_row and value is not null
    qualify dense_rank() over (partition by measure_code, year order by header_as_printed like '%(%' desc) = 1
),

chosen as (
    select *, case when territory_code in ('69D', '69M') then '69' else territory_code end as unit_code
    from figures
    qualify {{ counts_once('measure_code, edition, header_as_printed') }}
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
