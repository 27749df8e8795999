-- plausible_range: the prices and tariffs an EHPAD declares (CNSA's export, marts.ehpad_prices)
-- against the plausible range of their kind (seed ehpad_plausible_ranges: half the low end and
-- twice the high end of the usual range, € per day, and why). One check per establishment and
-- edition, on the value furthest outside its range (when none is outside: the value closest to
-- the edge of its range): published as declared, computed brought into its range; every value
-- outside its range is named in the explanation. A gap is a warning naming FINESS, edition and
-- line; the values stay in the marts (never dropped). A price not declared is not evaluated (NULL
-- stays NULL); a rule with no evaluation at all fails closed.
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
    select
        finess, edition, publication_id, source_file, source_line, {{ loop.index }} as column_order,
        '{{ column }}' as column_name, {{ column }} as value
    from {{ ref('ehpad_prices') }}
    where {{ column }} is not null
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

ranged as (
    select
        d.*,
        c.label_fr,
        r.value_code as range_code,
        r.plausible_low_eur,
        r.plausible_high_eur,
        r.rationale,
        greatest(r.plausible_low_eur - d.value, d.value - r.plausible_high_eur) as beyond
    from declared as d
    inner join {{ ref('ehpad_price_columns') }} as c using (column_name)
    inner join {{ ref('ehpad_plausible_ranges') }} as r on r.value_code = c.range_code
),

establishments as (
    select
        finess,
        edition,
        any_value(publication_id) as publication_id,
        any_value(source_file) as source_file,
        any_value(source_line) as source_line,
        count(*) as declared_values,
        arg_max(label_fr, beyond * 1000 - column_order) as worst_label,
        arg_max(value, beyond * 1000 - column_order) as worst_value,
        arg_max(plausible_low_eur, beyond * 1000 - column_order) as worst_low,
        arg_max(plausible_high_eur, beyond * 1000 - column_order) as worst_high,
        -- formatted only where it is outside: a CASE, not a FILTER, which applies after the
        -- aggregate's input is computed (three French numbers for each of the 90 947 values)
        string_agg(
            case when beyond > 0 then label_fr || ' ' || {{ french_number('value', 2) }} || ' € (fourchette '
                || {{ french_number('plausible_low_eur', 2) }} || ' à ' || {{ french_number('plausible_high_eur', 2) }} || ' €)' end,
            ' ; ' order by column_order
        ) as outside,
        string_agg(distinct rationale, ' ' order by rationale) filter (where beyond > 0) as rationales
    from ranged
    group by finess, edition
),

rules as (
    select suite, name, expectation, kind from ({{ reconciliation_rules_of_type('plausible_range') }}) as r
),

checks as (
    select
        rules.suite,
        rules.expectation,
        e.publication_id || '.' || rules.kind || '.' || rules.name || '.' || e.edition || '.' || e.finess as check_id,
        rules.kind as check_kind,
        e.publication_id || ' ' || e.edition as document_id,
        e.source_line,
        e.publication_id as table_id,
        'Prix et tarifs déclarés dans leur fourchette plausible (' || e.worst_label || ', € par jour)' as measure,
        'FINESS ' || e.finess || ', ' || e.declared_values || ' prix et tarifs déclarés' as row_label,
        e.worst_value as published_value,
        2 as published_decimals,
        least(greatest(e.worst_value, e.worst_low), e.worst_high) as computed_value,
        cast(0 as decimal(38, 10)) as tolerance,
        'ramené dans sa fourchette plausible (' || {{ french_number('e.worst_low', 2) }} || ' à '
            || {{ french_number('e.worst_high', 2) }} || ' €)' as computed_desc,
        'aucune : la fourchette est une borne' as tolerance_desc,
        'Hors de leur fourchette plausible (FINESS ' || e.finess || ', édition ' || e.edition || ', ' || e.source_file
            || ' ligne ' || e.source_line || ') : ' || e.outside || '. ' || e.rationales
            || ' Les valeurs sont conservées dans marts.ehpad_prices.' as hint_if_failed
    from establishments as e
    cross join rules
)

select
    {{ evaluation_columns() }}
from checks
{%- endif %}
