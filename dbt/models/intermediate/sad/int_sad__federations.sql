-- One row per federation of associations (reference.sad_federations, e.g. the ADMR of the
-- Pas-de-Calais): the number of associations it stands for, as the deliberation's prose prints
-- it, with that figure's document and line. Read once here; labels, activity and reports use it.
select
    f.department_code,
    f.sad_name,
    cast(p.value as integer) as associations_count,
    p.document_id as associations_document_id,
    cast(p.source_line as integer) as associations_source_line,
    p.quote as associations_quote
from {{ ref('sad_federations') }} as f
inner join {{ ref('stg_deliberations__prose_figures') }} as p on p.figure_id = f.associations_figure_id
