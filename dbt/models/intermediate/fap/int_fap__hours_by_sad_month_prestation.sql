-- Hours and euros billed per SAD, month and prestation. Incremental: each run processes only
-- the months loaded (or reloaded) since the last run, and replaces them whole (delete+insert
-- on month), so a corrected export replaces its month and nothing else.
{% set months = fap_months_to_process(ref('stg_fap__files')) %}

with lines as (
    select
        month,
        year,
        sad_id,
        prestation,
        -- one line per beneficiary and prestation (ingestion refuses duplicates)
        count(*) as beneficiaries,
        sum(hours_planned) as hours_planned,
        sum(hours_billed) as hours_billed,
        sum(amount_eur) as amount_eur
    from {{ ref('stg_fap__lines') }}
    where {{ fap_month_filter(months, 'month') }}
    group by month, year, sad_id, prestation
)

select
    lines.month,
    lines.year,
    lines.sad_id,
    lines.prestation,
    cast(lines.beneficiaries as integer) as beneficiaries,
    cast(lines.hours_planned as decimal(14, 2)) as hours_planned,
    cast(lines.hours_billed as decimal(14, 2)) as hours_billed,
    cast(lines.amount_eur as decimal(16, 2)) as amount_eur,
    files.file_name as source_file,
    files.sha256 as source_sha256,
    files.loaded_at as source_loaded_at,
    '{{ invocation_id }}' as dbt_invocation_id
from lines
inner join {{ ref('stg_fap__files') }} as files on files.month = lines.month
