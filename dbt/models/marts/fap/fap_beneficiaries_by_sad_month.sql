-- Beneficiaries per SAD and month, per prestation and all prestations together ('ALL', where a
-- person with two prestations counts once). Counts under the disclosure threshold (var
-- disclosure_threshold, 5 as DREES does) are flagged: reports must mask them and say so.
with counts as (
    select month, year, sad_id, prestation, beneficiaries
    from {{ ref('int_fap__hours_by_sad_month_prestation') }}
    union all
    select month, year, sad_id, 'ALL' as prestation, beneficiaries
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
inner join {{ ref('stg_fap__sad_registry') }} as registry on registry.sad_id = counts.sad_id
-- a registry SAD is in int_sad__keys under its registry spelling: sad_key = FINESS-<finess>
left join {{ ref('int_sad__keys') }} as k
    on k.department_code = registry.department_code
    and k.sad_name = registry.sad_name
    and k.city is not distinct from registry.city
