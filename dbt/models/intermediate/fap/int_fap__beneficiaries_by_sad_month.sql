-- Distinct beneficiaries per SAD and month, all prestations together (a person with two
-- prestations counts once). Incremental like int_fap__hours_by_sad_month_prestation.
{% set months = fap_months_to_process(ref('stg_fap__files')) %}

with counts as (
    select
        month,
        year,
        sad_id,
        count(distinct beneficiary_pseudonym) as beneficiaries
    from {{ ref('stg_fap__lines') }}
    where {{ fap_month_filter(months, 'month') }}
    group by month, year, sad_id
)

select
    counts.month,
    counts.year,
    counts.sad_id,
    cast(counts.beneficiaries as integer) as beneficiaries,
    files.loaded_at as source_loaded_at,
    '{{ invocation_id }}' as dbt_invocation_id
from counts
inner join {{ ref('stg_fap__files') }} as files on files.month = counts.month
