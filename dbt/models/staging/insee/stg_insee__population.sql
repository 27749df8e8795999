-- INSEE population estimates (ELP), both publications (five-year bands and broad groups), one
-- row per printed cell, typed: reference date (1 January of the sheet's year), sex, age band.
-- Total rows are named by what they are: in some editions the France row is printed
-- "France métropolitaine" a second time, after the DOM row; it is France (métropole + DOM).
with cells as (
    select * from {{ source('insee', 'opendata__insee_population_5y') }}
    union all by name
    select * from {{ source('insee', 'opendata__insee_population_broad') }}
),

dom_rows as (
    select source_file, sheet, min(row_number) as dom_row
    from cells
    where territory_code = '' and upper(trim(territory_label)) = 'DOM'
    group by all
),

typed as (
    select
        c.publication_id,
        c.edition,
        c.source_file,
        c.sha256,
        c.sheet,
        c.source_cell,
        c.row_number as source_row,
        c.header as header_as_printed,
        c.group_header,
        c.territory_label,
        c.raw_value,
        make_date(cast(c.sheet as integer), 1, 1) as reference_date,
        case
            when c.territory_code <> '' then c.territory_code
            when c.territory_label ilike 'France m%tropolitaine%' and c.row_number > coalesce(d.dom_row, 1000000) then 'FR'
            when c.territory_label ilike 'France m%tropolitaine%' then 'FRMET'
            when upper(trim(c.territory_label)) = 'DOM' then 'DROM'
            when trim(c.territory_label) ilike 'France%' then 'FR'
        end as territory_code,
        case lower(c.group_header) when 'ensemble' then 'all' when 'hommes' then 'male' when 'femmes' then 'female' end as sex,
        c.header = 'Total' as is_total_age,
        case when c.header = 'Total' then 0
             else cast(regexp_extract(c.header, '^(\d+)', 1) as integer) end as age_min,
        case when c.header = 'Total' or c.header ilike '%et plus%' then null
             else cast(regexp_extract(c.header, '(\d+) ans', 1) as integer) end as age_max,
        try_cast(replace(c.raw_value, ' ', '') as bigint) as population
    from cells as c
    left join dom_rows as d using (source_file, sheet)
)

select
    *,
    -- INSEE's last three years of an edition are provisional
    year(reference_date) > cast(left(edition, 4) as integer) - 3 as provisional
from typed
where territory_code is not null
