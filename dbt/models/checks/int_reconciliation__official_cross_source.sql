-- official_cross_source: each figure a deliberation takes from INSEE, DREES or CNAF (seed
-- official_cross_source, by indicator) against the same figure computed from the official files,
-- for the territory the figure is printed for (a région's total row is the région, R + its code). With a printed year: the official value of that year when the files cover it,
-- otherwise the closest year (then the latest edition). Without one: the year and edition whose
-- value comes closest to the printed figure, among the last five years the files cover. The explanation names the year, edition and
-- convention. Kind cross_source: two sources compared, never a document contradicting itself.
{%- if execute and reconciliation_rules('official_cross_source') | length == 0 %}
{{ no_evaluation() }}
{%- else %}
{%- set unprinted_year_window = 5 %}
with figures as (
    select *, territory_code as official_territory
    from {{ ref('int_reconciliation__figures') }}
    where figure_kind in ('cell', 'prose') and territory_code is not null
),

rules as (
    select suite, kind, name, expectation
    from ({{ reconciliation_rules_of_type('official_cross_source') }}) as r
),

mapped as (
    select rules.*, f.table_id, f.document_id, f.source_line, f.row_label, f.measure, f.value as printed, f.decimals,
           f.official_territory, m.indicator_code,
           -- the year the figure's printed period ends with ('2022', 'T2_2024'), if any
           try_cast(nullif(regexp_extract(f.reference_period, '([0-9]{4})$', 1), '') as integer) as printed_year,
           m.series_code, m.scale, m.note
    from rules
    cross join {{ ref('official_cross_source') }} as m
    inner join figures as f on f.indicator_code = m.indicator_code
),

joined as (
    select
        mapped.*,
        s.year as official_year,
        s.value * mapped.scale as official_value,
        s.edition as official_edition,
        s.convention,
        max(s.year) over (partition by mapped.table_id, mapped.indicator_code, mapped.source_line) as last_year
    from mapped
    left join {{ ref('int_opendata__comparable_series') }} as s
        on s.series_code = mapped.series_code and s.territory_code = mapped.official_territory
),

-- With no printed year, only the last 5 years the files cover are candidates: a recent document
-- quotes recent figures, and over fifty years some old year always comes close by chance.
candidates as (
    select *
    from joined
    where printed_year is not null or official_year is null or official_year > last_year - {{ unprinted_year_window }}
    qualify row_number() over (
        partition by table_id, indicator_code, source_line
        order by
            case when printed_year is null then abs(official_value - printed)
                 else abs(official_year - printed_year) end asc nulls last,
            official_year desc, official_edition desc
    ) = 1
),

checks as (
    select
        suite,
        expectation,
        {{ check_id('table_id', 'kind', "'official_' || indicator_code", 'source_line') }} as check_id,
        kind as check_kind,
        document_id,
        source_line,
        table_id,
        measure,
        row_label,
        printed as published_value,
        decimals as published_decimals,
        -- no official value: not evaluable, never compared with zero
        official_value as computed_value,
        {{ half_unit('decimals') }} as tolerance,
        case
            when official_value is null then 'aucune valeur officielle : ' || coalesce(note, 'pas de série pour ce territoire')
            when printed_year is null
                then 'année non imprimée ; des ' || {{ unprinted_year_window }} || ' dernières années des fichiers officiels ('
                     || (last_year - {{ unprinted_year_window }} + 1) || '-' || last_year || '), la plus proche est ' || official_year
                     || ' (édition ' || official_edition || ' ; ' || convention || ')'
            when official_year = printed_year
                then 'valeur des fichiers officiels pour ' || official_year || ' (édition ' || official_edition || ' ; '
                     || convention || ')'
            else 'l''année ' || printed_year || ' n''est pas couverte par les fichiers officiels (dernière année : '
                 || last_year || ') ; la plus proche est ' || official_year || ' (édition ' || official_edition || ' ; '
                 || convention || ')'
        end as computed_desc,
        {{ half_unit_text('decimals') }} as tolerance_desc,
        case
            when official_value is null then 'Ce chiffre ne peut pas être recalculé à partir des fichiers officiels.'
            when printed_year is null
                then 'Aucune année et aucune édition des fichiers officiels ne redonnent ce chiffre à la précision imprimée : '
                     || 'l''écart dit de combien la plus proche en diffère.'
            when official_year <> printed_year
                then 'Sources d''années différentes : l''écart dit de combien la dernière année publiée dans les fichiers officiels diffère du chiffre imprimé.'
        end as hint_if_failed
    from candidates
)

select
    {{ evaluation_columns() }}
from checks
{%- endif %}
