-- legal_ordering: the dependency tariffs an EHPAD declares (CNSA's export, marts.ehpad_prices)
-- follow the law's ordering GIR 1-2 >= GIR 3-4 >= GIR 5-6 > 0. One check per establishment and
-- edition: the printed GIR 3-4 tariff against itself plus every amount by which the three printed
-- tariffs break the ordering (GIR 3-4 above GIR 1-2, GIR 5-6 above GIR 3-4, GIR 5-6 under one
-- cent); the gap is that total, zero exactly when the ordering holds (a sum of non-negative
-- terms: two breaches cannot cancel). Tolerance 0; a gap is a warning (the file disagreeing with
-- the law) naming FINESS, edition and line. An establishment that declares no tariff cannot be
-- checked and is not evaluated (NULL stays NULL); a rule with no evaluation at all fails closed.
{%- if execute and reconciliation_rules('legal_ordering') | length == 0 %}
{{ no_evaluation() }}
{%- else %}
with tariffs as (
    select
        *,
        greatest(tariff_gir_3_4 - tariff_gir_1_2, 0) as above_gir_1_2,
        greatest(tariff_gir_5_6 - tariff_gir_3_4, 0) as above_gir_3_4,
        greatest(0.01 - tariff_gir_5_6, 0) as under_one_cent
    from {{ ref('ehpad_prices') }}
    where tariff_gir_1_2 is not null and tariff_gir_3_4 is not null and tariff_gir_5_6 is not null
),

rules as (
    select suite, name, expectation, kind from ({{ reconciliation_rules_of_type('legal_ordering') }}) as r
),

checks as (
    select
        rules.suite,
        rules.expectation,
        t.publication_id || '.' || rules.kind || '.' || rules.name || '.' || t.edition || '.' || t.finess as check_id,
        rules.kind as check_kind,
        t.publication_id || ' ' || t.edition as document_id,
        t.source_line,
        t.publication_id as table_id,
        'Tarifs dépendance dans l''ordre légal GIR 1-2 ≥ GIR 3-4 ≥ GIR 5-6 > 0 (tarif GIR 3-4)' as measure,
        'FINESS ' || t.finess || ' : GIR 1-2 ' || {{ french_number('t.tariff_gir_1_2', 2) }} || ' €, GIR 3-4 '
            || {{ french_number('t.tariff_gir_3_4', 2) }} || ' €, GIR 5-6 ' || {{ french_number('t.tariff_gir_5_6', 2) }}
            || ' €' as row_label,
        t.tariff_gir_3_4 as published_value,
        2 as published_decimals,
        t.tariff_gir_3_4 + t.above_gir_1_2 + t.above_gir_3_4 + t.under_one_cent as computed_value,
        cast(0 as decimal(38, 10)) as tolerance,
        'GIR 3-4 plus les dépassements de l''ordre légal (GIR 3-4 au-dessus de GIR 1-2 : '
            || {{ french_number('t.above_gir_1_2', 2) }} || ' ; GIR 5-6 au-dessus de GIR 3-4 : '
            || {{ french_number('t.above_gir_3_4', 2) }} || ' ; GIR 5-6 sous 0,01 : '
            || {{ french_number('t.under_one_cent', 2) }} || ')' as computed_desc,
        'aucune : l''ordre des tarifs est une règle' as tolerance_desc,
        'Les tarifs déclarés ne suivent pas l''ordre légal (FINESS ' || t.finess || ', édition ' || t.edition
            || ', ' || t.source_file || ' ligne ' || t.source_line || ') : erreur de déclaration probable.'
            as hint_if_failed
    from tariffs as t
    cross join rules
)

select
    {{ evaluation_columns() }}
from checks
{%- endif %}
