-- COG départements and their région, from the communes file (columns DEP and REG of current
-- communes): one row per département, with the first line it is read from.
select
    dep as department_code,
    min(reg) as region_code,
    count(distinct reg) as regions_seen,
    min(source_line) as source_line,
    any_value(source_file) as source_file,
    any_value(edition) as cog_edition
from {{ source('insee', 'opendata__insee_cog_communes') }}
where typecom = 'COM' and dep is not null and dep <> ''
group by dep
