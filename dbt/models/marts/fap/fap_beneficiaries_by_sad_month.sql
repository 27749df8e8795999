-- Beneficiaries per SAD and month, per prestation and all prestations together ('ALL', where a
-- person with two prestations counts once). Counts under the disclosure threshold (var
-- disclosure_threshold, 5 as DREES does) are flagged: reports must mask them and say so.
with counts as (
    select
        month,
        year,
        sad_id,
        prestation,
        beneficiaries
    from {{ ref('int_fap__hours_by_sad_month_prestation') }}
    union all
    select
        month,
        year,
        sad_id,
        'ALL' as prestation,
        beneficiaries
    from {{ ref('int_fap__beneficiaries_by_sad_month') }}
)

select
    counts.month,
    counts.year,
    registry.department_code,
    counts.sad_id,
    registry.sad_name,
    registry.city,
    counts.prestation,
    counts.beneficiaries,
    counts.beneficiaries < {{ var('disclosure_threshold') }} as suppressed,
    cast({{ var('disclosure_threshold') }} as integer) as disclosure_threshold,
    k.sad_key
from counts
inner join {{ ref('stg_fap__sad_registry') }} as registry on counts.sad_id = registry.sad_id
-- a registry SAD is in int_sad__keys under its registry spelling: sad_key = FINESS-<finess>
left join {{ ref('int_sad__keys') }} as k
    on
        registry.department_code = k.department_code
        and registry.sad_name = k.sad_name
        and k.city is not distinct from registry.city
