-- The amount each SAD received in each published envelope, as printed in the annex: the
-- envelope's own annex column (envelope_eur of its annex, or previous_envelope_eur of the annex
-- that printed a published-only envelope).
select
    e.envelope_id,
    a.sad_name,
    a.city,
    cast(a.amount_eur as decimal(14, 2)) as amount_published_eur,
    a.document_id,
    cast(a.source_line as integer) as source_line
from {{ ref('int_envelopes') }} as e
inner join {{ ref('int_sad__envelope_annex_amounts') }} as a
    on a.table_id = e.table_id
    and a.column_name = e.published_amount_column
where not a.is_total
