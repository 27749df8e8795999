-- IGN outlines of metropolitan départements and régions, geometry as GeoJSON text.
select 'department' as territory_level, code as territory_code, nom as territory_name, geometry_geojson, edition, source_file
from {{ source('ign', 'opendata__ign_departements') }}
union all
select 'region', code, nom, geometry_geojson, edition, source_file
from {{ source('ign', 'opendata__ign_regions') }}
