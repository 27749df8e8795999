-- The CPOM advance macros against the rule's own thresholds (no figure typed here): each
-- boundary case must give the expected advance level, and a validated total of
-- months_averaged × 100,00 € must give an advance of advance_pct € (the monthly average is 100 €).
-- With no rule loaded (no document prints one) there is nothing to test.
with rules as (
    select
        max(case when benefit_code = 'apa' then monthly_min_beneficiaries end) as monthly_apa,
        max(case when benefit_code = 'pch' then monthly_min_beneficiaries end) as monthly_pch,
        max(case when benefit_code = 'apa' then quarterly_min_beneficiaries end) as quarterly_apa,
        max(case when benefit_code = 'pch' then quarterly_min_beneficiaries end) as quarterly_pch,
        max(min_activity_months) as min_months
    from {{ cpom_rule(ref('cpom_advance_rules')) }}
    having count(*) > 0
),

cases as (
    select 'below every threshold' as case_name, monthly_apa - 1 as apa, monthly_pch - 1 as pch, min_months as months, 'none' as expected from rules
    union all
    select 'monthly by APA', monthly_apa, 0, min_months, 'monthly' from rules
    union all
    select 'monthly by PCH', 0, monthly_pch, min_months, 'monthly' from rules
    union all
    select 'just below quarterly', quarterly_apa - 1, quarterly_pch - 1, min_months, 'monthly' from rules
    union all
    select 'quarterly by APA', quarterly_apa, 0, min_months, 'quarterly' from rules
    union all
    select 'quarterly by PCH', 0, quarterly_pch, min_months, 'quarterly' from rules
    union all
    select 'not enough months of activity', quarterly_apa, quarterly_pch, min_months - 1, 'none' from rules
),

levels as (
    select case_name, expected, {{ cpom_advance_eligibility('apa', 'pch', 'months') }} as actual
    from cases
),

amounts as (
    select
        r.benefit_code as case_name,
        cast(r.advance_pct as decimal(14, 2)) as expected_eur,
        case r.benefit_code
            when 'apa' then {{ cpom_advance_amount_eur('apa', 'cast(r.months_averaged * 100 as decimal(14, 2))') }}
            when 'pch' then {{ cpom_advance_amount_eur('pch', 'cast(r.months_averaged * 100 as decimal(14, 2))') }}
        end as actual_eur
    from {{ cpom_rule(ref('cpom_advance_rules')) }} as r
)

select case_name, expected, actual from levels
where actual is distinct from expected
union all
select case_name, cast(expected_eur as varchar), cast(actual_eur as varchar) from amounts
where actual_eur is distinct from expected_eur
