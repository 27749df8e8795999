-- The FAP monthly exports loaded, one row per file: what a report's file footnote names (file,
-- sha256, lines) and whether the file is the synthetic sample shipped with the project.
select
    month,
    year,
    file_name,
    sha256,
    cast(row_count as bigint) as row_count,
    synthetic
from {{ ref('stg_fap__files') }}
order by month, file_name
