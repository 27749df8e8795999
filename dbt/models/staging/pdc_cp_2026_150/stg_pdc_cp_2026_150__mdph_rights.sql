select
    r.document_id,
    r.source_line,
    r.row_number as printed_row,
    r.section as public_printed,
    r.prestation as prestation_printed,
    split_part(c.indicator_code, '__', 2) as prestation_code,
    cast(r.rights_open_france as bigint) as rights_open_france,
    cast(r.rights_per_1000_france as decimal(9, 2)) as rights_per_1000_france,
    cast(r.rights_open_pas_de_calais as bigint) as rights_open_pas_de_calais,
    cast(r.rights_per_1000_pas_de_calais as decimal(9, 2)) as rights_per_1000_pas_de_calais,
    cast(r.overrepresentation_pct as decimal(7, 2)) as overrepresentation_pct
from {{ source('pdc_cp_2026_150', 'mdph_rights') }} as r
left join {{ ref('stg_deliberations__cells') }} as c
    on c.document_id = r.document_id
    and c.source_line = r.source_line
    and c.table_id = 'mdph_rights'
    and c.column_name = 'rights_open_france'
