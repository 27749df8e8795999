-- The Nord CPOM cash-advance rule (document 004, CPOM model), one row per benefit: the share
-- of the monthly average of the last validated months advanced, and the beneficiary
-- thresholds for monthly and quarterly advances. Read from the prose figures, with their
-- lines; the macros in macros/cpom_advances.sql apply it (for the FAP pipeline).
with prose as (
    select figure_id, document_id, cast(source_line as integer) as source_line, value
    from {{ ref('stg_deliberations__prose_figures') }}
),

benefits as (
    select * from (values
        ('apa', 'Allocation personnalisée d''autonomie (APA)', 'advance_apa_pct', 'monthly_advance_min_apa', 'quarterly_advance_min_apa'),
        ('pch', 'Prestation de compensation du handicap (PCH)', 'advance_pch_pct', 'monthly_advance_min_pch', 'quarterly_advance_min_pch')
    ) as b (benefit_code, benefit_label_fr, pct_figure, monthly_figure, quarterly_figure)  -- noqa: AL05
)

select
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
inner join prose as pct on pct.figure_id = b.pct_figure
inner join prose as monthly on monthly.figure_id = b.monthly_figure
inner join prose as quarterly on quarterly.figure_id = b.quarterly_figure
inner join prose as months on months.figure_id = 'advance_months'
inner join prose as activity on activity.figure_id = 'advance_min_activity_months'
order by b.benefit_code
