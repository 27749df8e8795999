-- The printed totals each budget line pays for (catalogue rows: finances): one row per link.
select
    document_id,
    table_id,
    cast(source_line as integer) as source_line,
    row_label,
    finances_table_id,
    finances_column
from {{ source('deliberations', 'catalogue_row_links') }}
