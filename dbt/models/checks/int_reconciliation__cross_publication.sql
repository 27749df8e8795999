-- cross_publication: two publications of the same producer for the same year must print the same
-- figure. DREES's annual file of year N against its séries longues whose last year is N (the
-- edition published with it): every cell of a column that prints a séries longues measure (seed
-- drees_annual_measures) for a territory both files print (départements, the régions of the
-- regional blocks, the France métropolitaine, DROM and France totals of both blocks). Same
-- producer, same year: tolerance 0, error severity (severity_of): a difference blocks the
-- publication until it is explained (raw/acknowledged_discrepancies.yml). A cell either file
-- leaves empty is not printed in both, and not compared.
{%- if execute and reconciliation_rules('cross_publication') | length == 0 %}
{{ no_evaluation() }}
{%- else %}
with annual as (
    select *
    from {{ ref('stg_drees__aid_beneficiaries_annual') }}
    where measure_code is not null and value is not null and territory_code is not null
),

series as (
    select *, max(year) over (partition by publication_id, edition) as last_year
    from {{ ref('stg_drees__aid_beneficiaries') }}
),

paired as (
    select
        a.*,
        s.edition as series_edition,
        s.source_file as series_file,
        s.source_cell as series_cell,
        s.measure_label,
        s.value as series_value
    from annual as a
    inner join series as s
      on s.measure_code = a.measure_code and s.year = a.year and s.last_year = a.year
     and s.territory_code = a.territory_code and s.block = a.block and s.value is not null
),

rules as (
    select suite, name, expectation, kind from ({{ reconciliation_rules_of_type('cross_publication') }}) as r
),

checks as (
    select
        rules.suite,
        rules.expectation,
        p.publication_id || '.' || rules.kind || '.' || rules.name || '.' || p.edition || '.'
            || replace(p.source_cell, '''', '') as check_id,
        rules.kind as check_kind,
        p.publication_id || ' ' || p.edition as document_id,
        p.source_row as source_line,
        p.sheet as table_id,
        p.measure_label || ' (colonne « ' || coalesce(p.group_header_as_printed || ' – ', '') || p.header_as_printed
            || ' »), ' || p.year as measure,
        trim(p.territory_label) || ', ' || p.source_file || ', ' || p.source_cell as row_label,
        p.value as published_value,
        0 as published_decimals,
        p.series_value as computed_value,
        cast(0 as decimal(38, 10)) as tolerance,
        'même chiffre dans les séries longues ' || p.series_edition || ' de la DREES (' || p.series_file || ', '
            || p.series_cell || ')' as computed_desc,
        'aucune : même producteur, même année' as tolerance_desc,
        'La DREES imprime pour la même année deux chiffres différents : l''un des deux a été corrigé (voir la feuille '
            || '« Corrections » des séries longues) ou mal reporté.' as hint_if_failed
    from paired as p
    cross join rules
)

select
    {{ evaluation_columns() }}
from checks
{%- endif %}
