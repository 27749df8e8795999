-- COG régions: code (as text), name, with the file line each comes from.
select
    reg as region_code,
    libelle as region_name,
    edition as cog_edition,
    source_file,
    source_line
from {{ source('insee', 'opendata__insee_cog_regions') }}
