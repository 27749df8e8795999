-- Activity hours per home-care service (SAD) and year, by source of hours. One source today:
-- the FAP annex of deliberation 2025-541 (APA hours of 2024 billed through FAP, as printed).
-- Another basis (e.g. hours summed from FAP billing lines) is one more union branch with its
-- own hours_source; the activity and allocation marts take it without change.
select
    'fap_annex' as hours_source,
    department_code,
    2024 as year,  -- the annex column: apa_hours_billed_2024
    sad_name,
    city,
    apa_hours_billed_2024 as hours,
    activity_share_2024_pct as share_published_pct,
    document_id,
    cast(source_line as integer) as source_line
from {{ ref('stg_pdc_cp_2025_541__fap_annex') }}
where not is_total
