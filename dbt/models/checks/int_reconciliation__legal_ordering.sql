-- legal_ordering: the dependency tariffs an EHPAD declares (CNSA's export, marts.ehpad_prices)
-- follow the law's ordering GIR 1-2 >= GIR 3-4 >= GIR 5-6 > 0. Two checks per establishment and
-- edition: the printed GIR 3-4 tariff against the highest value the ordering allows it (the GIR
-- 1-2 tariff), and the printed GIR 5-6 tariff against the interval the ordering allows it (above
-- 0, to the cent, and up to the GIR 3-4 tariff); GIR 1-2 >= GIR 5-6 follows. Tolerance 0; a
-- difference is a warning (the file disagreeing with the law) naming FINESS, edition and line.
-- An establishment that declares no tariff cannot be checked and is not evaluated (NULL stays
-- NULL); a rule with no evaluation at all fails closed.
{%- if execute and reconciliation_rules('legal_ordering') | length == 0 %}
{{ no_evaluation() }}
{%- else %}
with tariffs as (
    select *
    from {{ ref('ehpad_prices') }}
    where tariff_gir_1_2 is not null and tariff_gir_3_4 is not null and tariff_gir_5_6 is not null
),

pairs as (
    select
        *,
        'gir_3_4' as checked,
        'Tarif GIR 3-4 au plus égal au tarif GIR 1-2 (ordre légal)' as measure,
        tariff_gir_3_4 as printed,
        least(tariff_gir_3_4, tariff_gir_1_2) as allowed,
        'tarif GIR 3-4 borné par le tarif GIR 1-2 imprimé (' || {{ french_number('tariff_gir_1_2', 2) }} || ' €)' as bound_desc
    from tariffs
    union all
    select
        *,
        'gir_5_6',
        'Tarif GIR 5-6 positif et au plus égal au tarif GIR 3-4 (ordre légal)',
        tariff_gir_5_6,
        least(greatest(tariff_gir_5_6, 0.01), tariff_gir_3_4),
        'tarif GIR 5-6 ramené dans l''intervalle ]0 ; GIR 3-4 imprimé (' || {{ french_number('tariff_gir_3_4', 2) }} || ' €)]'
    from tariffs
),

rules as (
    select suite, name, expectation, kind, table_id from ({{ reconciliation_rules_of_type('legal_ordering') }}) as r
),

checks as (
    select
        rules.suite,
        rules.expectation,
        rules.table_id || '.' || rules.kind || '.' || rules.name || '.' || p.checked || '.' || p.edition || '.' || p.finess
            as check_id,
        rules.kind as check_kind,
        p.publication_id || ' ' || p.edition as document_id,
        p.source_line,
        p.publication_id as table_id,
        p.measure,
        'FINESS ' || p.finess || ', édition ' || p.edition || ', ' || p.source_file || ' ligne ' || p.source_line
            || ' : GIR 1-2 ' || {{ french_number('p.tariff_gir_1_2', 2) }} || ' €, GIR 3-4 '
            || {{ french_number('p.tariff_gir_3_4', 2) }} || ' €, GIR 5-6 ' || {{ french_number('p.tariff_gir_5_6', 2) }}
            || ' €' as row_label,
        p.printed as published_value,
        2 as published_decimals,
        p.allowed as computed_value,
        cast(0 as decimal(38, 10)) as tolerance,
        p.bound_desc as computed_desc,
        'aucune : l''ordre des tarifs est une règle, pas une mesure arrondie' as tolerance_desc,
        'Les tarifs déclarés ne suivent pas l''ordre légal GIR 1-2 ≥ GIR 3-4 ≥ GIR 5-6 > 0 (FINESS ' || p.finess
            || ', édition ' || p.edition || ', ligne ' || p.source_line || ') : erreur de déclaration probable.'
            as hint_if_failed
    from pairs as p
    cross join rules
)

select
    {{ evaluation_columns() }}
from checks
{%- endif %}
