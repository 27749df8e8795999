-- The parameters of each catalogue table (those its kind takes: years, measure), as written.
select
    table_id,
    parameter,
    value
from {{ source('deliberations', 'catalogue_parameters') }}
