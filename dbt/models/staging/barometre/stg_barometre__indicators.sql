-- The barometer's definitions of its indicators: name and description as the barometer prints
-- them, and the good direction (baisse: lower is better), with the line of each.
select
    indic_id as indicator_id,
    indic_parent_ch as chantier_id,
    indic_nom_baro as indicator_name,
    indic_descr_baro as indicator_description,
    tendance as good_direction,
    edition,
    source_file,
    sha256,
    source_line
from {{ source('barometre', 'opendata__barometre_indicators') }}
qualify row_number() over (partition by indic_id order by edition desc, source_line asc) = 1
