-- IGN outlines (simplified) of metropolitan départements and régions for maps, GeoJSON text.
select territory_level, territory_code, territory_name, geometry_geojson, edition, source_file
from {{ ref('stg_ign__outlines') }}
