-- Activity hours per home-care service (SAD) and year, by source of hours. Source 'fap_annex':
-- the APA hours billed through FAP as every envelope annex prints them (kind sad_envelope_annex:
-- the hours of its hours_year), one year per annex loaded. Another basis (e.g. hours summed from
-- FAP billing lines) is one more union branch with its own hours_source; the activity and
-- allocation marts take it without change.
select
    'fap_annex' as hours_source,
    department_code,
    hours_year as year,
    sad_name,
    city,
    hours_billed as hours,
    activity_share_pct as share_published_pct,
    document_id,
    table_id,
    source_line
from {{ ref('stg_deliberations__sad_envelope_annex') }}
where not is_total
