-- Every printed line of every deliberation, keyed by (document_id, source_line): the text a
-- footnote or a reconciliation discrepancy quotes. Marts carry (document_id, source_line);
-- this mart gives the words printed there, so no consumer has to read raw.document_lines.
select
    document_id,
    cast(source_line as integer) as source_line,
    line_text
from {{ ref('stg_deliberations__document_lines') }}
order by document_id, source_line
