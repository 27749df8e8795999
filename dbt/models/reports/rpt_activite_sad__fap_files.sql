-- activite_sad.html, FAP footnote: the monthly exports of each year with the year's number of
-- lines, so the footnote does not add them up.
select
    month,
    year,
    file_name,
    sha256,
    row_count,
    synthetic,
    cast(sum(row_count) over (partition by year) as bigint) as year_row_count
from {{ ref('fap_files') }}
order by month, file_name
