{#- The CPOM cash-advance rule (marts.cpom_advance_rules), as SQL expressions for the FAP
    pipeline: which advance a service is eligible for, and the amount of an advance. The rule
    applied is the first document's that prints one (by document_id): marts.cpom_advance_rules
    lists every rule loaded. -#}

{% macro cpom_rule(rules) -%}
    (select * from {{ rules }} where document_id = (select min(document_id) from {{ rules }}))
{%- endmacro %}

{#- 'quarterly', 'monthly' or 'none': the highest advance a service is eligible for, given its
    APA and PCH beneficiaries and its months of activity with that public. A service meeting the
    quarterly thresholds (at least N APA or M PCH beneficiaries) also meets the monthly ones. -#}
{% macro cpom_advance_eligibility(apa_beneficiaries, pch_beneficiaries, months_of_activity) -%}
    {%- set rules = cpom_rule(ref('cpom_advance_rules')) -%}
    (case
        when ({{ months_of_activity }}) < (select max(min_activity_months) from {{ rules }}) then 'none'
        when ({{ apa_beneficiaries }}) >= (select quarterly_min_beneficiaries from {{ rules }} where benefit_code = 'apa')
            or ({{ pch_beneficiaries }}) >= (select quarterly_min_beneficiaries from {{ rules }} where benefit_code = 'pch')
            then 'quarterly'
        when ({{ apa_beneficiaries }}) >= (select monthly_min_beneficiaries from {{ rules }} where benefit_code = 'apa')
            or ({{ pch_beneficiaries }}) >= (select monthly_min_beneficiaries from {{ rules }} where benefit_code = 'pch')
            then 'monthly'
        else 'none'
    end)
{%- endmacro %}

{#- The monthly advance (€, exact to the cent, half-up) for a benefit ('apa' or 'pch'), from the
    total validated over the last months the rule averages (e.g. the last six months' total):
    advance_pct % of that total / months_averaged. -#}
{% macro cpom_advance_amount_eur(benefit_code, validated_total_eur) -%}
    {%- set rules = cpom_rule(ref('cpom_advance_rules')) -%}
    cast({{ from_scaled(div_half_up(
        to_scaled(validated_total_eur) ~ ' * ' ~ to_scaled('(select advance_pct from ' ~ rules ~ " where benefit_code = '" ~ benefit_code ~ "')"),
        '(10000 * (select months_averaged from ' ~ rules ~ " where benefit_code = '" ~ benefit_code ~ "'))"
    ), 2) }} as decimal(14, 2))
{%- endmacro %}
