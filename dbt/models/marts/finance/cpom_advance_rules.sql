-- The CPOM cash-advance rules the loaded documents print, one row per document and benefit: the
-- share of the monthly average of the last validated months advanced, and the beneficiary
-- thresholds for monthly and quarterly advances. Read from the prose figures by role (subject:
-- the benefit, apa or pch), with their lines; the macros in macros/cpom_advances.sql apply the
-- rule of the home département (var department_code) for the FAP pipeline.
with prose as (
    select p.role, p.subject, p.document_id, d.department_code, cast(p.source_line as integer) as source_line, p.value
    from {{ ref('stg_deliberations__prose_figures') }} as p
    inner join {{ ref('stg_deliberations__documents') }} as d on d.document_id = p.document_id
    where p.role in (
        'advance_share_pct', 'monthly_advance_min_beneficiaries', 'quarterly_advance_min_beneficiaries',
        'advance_months', 'advance_min_activity_months'
    )
),

benefits as (
    select * from (values
        ('apa', 'Allocation personnalisée d''autonomie (APA)'),
        ('pch', 'Prestation de compensation du handicap (PCH)')
    ) as b (benefit_code, benefit_label_fr)  -- noqa: AL05
)

select
    pct.department_code,
    b.benefit_code,
    b.benefit_label_fr,
    pct.document_id,
    cast(pct.value as decimal(5, 2)) as advance_pct,
    pct.source_line as advance_pct_source_line,
    cast(months.value as integer) as months_averaged,
    months.source_line as months_averaged_source_line,
    cast(monthly.value as integer) as monthly_min_beneficiaries,
    monthly.source_line as monthly_min_source_line,
    cast(quarterly.value as integer) as quarterly_min_beneficiaries,
    quarterly.source_line as quarterly_min_source_line,
    cast(activity.value as integer) as min_activity_months,
    activity.source_line as min_activity_source_line
from benefits as b
inner join prose as pct on pct.role = 'advance_share_pct' and pct.subject = b.benefit_code
inner join prose as monthly
    on monthly.document_id = pct.document_id and monthly.role = 'monthly_advance_min_beneficiaries'
    and monthly.subject = b.benefit_code
inner join prose as quarterly
    on quarterly.document_id = pct.document_id and quarterly.role = 'quarterly_advance_min_beneficiaries'
    and quarterly.subject = b.benefit_code
inner join prose as months on months.document_id = pct.document_id and months.role = 'advance_months'
inner join prose as activity on activity.document_id = pct.document_id and activity.role = 'advance_min_activity_months'
order by pct.department_code, pct.document_id, b.benefit_code
