-- plausible_range: every price and tariff an EHPAD declares (CNSA's export, marts.ehpad_prices)
-- against the plausible range of its kind (seed ehpad_plausible_ranges: half the low end and twice
-- the high end of the usual range, € per day, and why). One check per value declared; a value
-- outside the range is a warning naming FINESS, edition and line, and stays in the marts (never
-- dropped). A price not declared is not evaluated (NULL stays NULL); a rule with no evaluation at
-- all fails closed.
{%- if execute and reconciliation_rules('plausible_range') | length == 0 %}
{{ no_evaluation() }}
{%- else %}
{%- set columns = [
    'price_permanent_single_eur', 'price_permanent_double_eur', 'price_permanent_single_social_aid_eur',
    'price_permanent_double_social_aid_eur', 'price_temporary_single_eur', 'price_temporary_double_eur',
    'price_temporary_single_social_aid_eur', 'price_temporary_double_social_aid_eur',
    'tariff_gir_1_2', 'tariff_gir_3_4', 'tariff_gir_5_6',
] %}
with declared as (
    {%- for column in columns %}
    select finess, edition, publication_id, source_file, source_line, '{{ column }}' as column_name, {{ column }} as value
    from {{ ref('ehpad_prices') }}
    where {{ column }} is not null
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

ranged as (
    select d.*, c.value_code, c.label_fr, r.plausible_low_eur, r.plausible_high_eur, r.rationale
    from declared as d
    inner join {{ ref('ehpad_price_columns') }} as c using (column_name)
    inner join {{ ref('ehpad_plausible_ranges') }} as r on r.value_code = c.range_code
),

rules as (
    select suite, name, expectation, kind, table_id from ({{ reconciliation_rules_of_type('plausible_range') }}) as r
),

checks as (
    select
        rules.suite,
        rules.expectation,
        rules.table_id || '.' || rules.kind || '.' || rules.name || '.' || g.value_code || '.' || g.edition || '.' || g.finess
            as check_id,
        rules.kind as check_kind,
        g.publication_id || ' ' || g.edition as document_id,
        g.source_line,
        g.publication_id as table_id,
        g.label_fr || ' (€ par jour)' as measure,
        'FINESS ' || g.finess || ', édition ' || g.edition || ', ' || g.source_file || ' ligne ' || g.source_line as row_label,
        g.value as published_value,
        2 as published_decimals,
        least(greatest(g.value, g.plausible_low_eur), g.plausible_high_eur) as computed_value,
        cast(0 as decimal(38, 10)) as tolerance,
        'valeur ramenée dans la fourchette plausible [' || {{ french_number('g.plausible_low_eur', 2) }} || ' € ; '
            || {{ french_number('g.plausible_high_eur', 2) }} || ' €]' as computed_desc,
        'aucune : la fourchette est une borne' as tolerance_desc,
        'Valeur déclarée hors de la fourchette plausible (FINESS ' || g.finess || ', édition ' || g.edition || ', ligne '
            || g.source_line || ') : ' || g.rationale || ' Elle est conservée dans marts.ehpad_prices.' as hint_if_failed
    from ranged as g
    cross join rules
)

select
    {{ evaluation_columns() }}
from checks
{%- endif %}
