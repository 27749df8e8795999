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
    p.*,
    l.sad_label,
    cast(row_number() over (
        partition by p.month, p.department_code order by p.beneficiaries_all desc, p.sad_name asc, p.city asc
    ) as integer) as display_rank
from pivoted as p
left join {{ ref('int_sad__labels') }} as l on l.sad_key = p.sad_key
order by p.department_code, p.month, display_rank
