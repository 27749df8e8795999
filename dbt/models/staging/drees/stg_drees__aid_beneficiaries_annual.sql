-- DREES aide sociale départementale, the annual file of one year ("… en 2020"): one row per
-- printed cell, typed. The year is the one its table titles print ("en décembre 2020", "au 31
-- décembre 2020"); each column is an aid, named by the long series' measure it also prints (seed
-- drees_annual_measures; NULL for a column only the annual file prints, such as the split under
-- and over 60 of Tab5-ph). Territories as in the séries longues (macros/opendata/drees_cells.sql).
select
    c.publication_id,
    c.edition,
    c.source_file,
    c.sha256,
    c.sheet,
    c.source_cell,
    c.row_number as source_row,
    c.block,
    c.table_title,
    nullif(c.group_header, '') as group_header_as_printed,
    c.header as header_as_printed,
    c.territory_label,
    c.raw_value,
    cast(regexp_extract(c.table_title, '((?:19|20)\d{2})\D*$', 1) as integer) as year,
    {{ drees_territory_code('c') }} as territory_code,
    c.territory_code = '' as is_total_row,
    nullif(c.region_code, '') as region_code_as_printed,
    m.measure_code,
    cast(try_cast(replace(c.raw_value, ' ', '') as double) as decimal(20, 6)) as value
from {{ source('drees', 'opendata__drees_aid_beneficiaries_annual') }} as c
left join {{ ref('drees_annual_measures') }} as m
  on m.sheet = trim(c.sheet) and coalesce(m.group_header, '') = c.group_header and m.header = c.header
