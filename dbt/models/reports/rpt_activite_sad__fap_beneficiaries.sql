-- activite_sad.html, FAP part: beneficiaries billed per SAD and month, one column per
-- prestation and ALL (a person with several prestations counted once), 0 where the SAD billed
-- none of a prestation; display_rank orders SAD by ALL, largest first. Counts of people: the
-- report masks those under the disclosure threshold.
with pivoted as (
    select
        month,
        year,
        department_code,
        sad_key,
        sad_id,
        sad_name,
        city,
        coalesce(max(beneficiaries) filter (where prestation = 'ALL'), 0) as beneficiaries_all,
        coalesce(max(beneficiaries) filter (where prestation = 'APA'), 0) as beneficiaries_apa,
        coalesce(max(beneficiaries) filter (where prestation = 'PCH'), 0) as beneficiaries_pch,
        coalesce(max(beneficiaries) filter (where prestation = 'ASG'), 0) as beneficiaries_asg
    from {{ ref('fap_beneficiaries_by_sad_month') }}
    group by month, year, department_code, sad_key, sad_id, sad_name, city
)

select
    *,
    cast(row_number() over (
        partition by month, department_code order by beneficiaries_all desc, sad_name asc, city asc
    ) as integer) as display_rank
from pivoted
order by department_code, month, display_rank
