-- official_cross_source: each figure a deliberation prints with "INSEE" or "DREES" and a year
-- (seed official_cross_source) against the same figure computed from the official files. The
-- official value of the printed year is used when the files cover it; otherwise the closest year
-- (then the latest edition), and the explanation says which year, edition and convention and that
-- the printed year is not covered. Kind cross_source: two sources compared, never a document
-- contradicting itself.
{%- if execute and reconciliation_rules('official_cross_source') | length == 0 %}
{{ no_evaluation() }}
{%- else %}
with figures as (
    select * from {{ ref('int_reconciliation__figures') }}
    where figure_kind = 'cell' and territory_code = '{{ var("department_code") }}'
),

rules as (
    select suite, table_id, kind, name, expectation
    from ({{ reconciliation_rules_of_type('official_cross_source') }}) as r
),

mapped as (
    select rules.*, f.document_id, f.source_line, f.row_label, f.measure, f.value as printed, f.decimals,
           m.indicator_code, m.printed_year, m.series_code
    from rules
    inner join {{ ref('official_cross_source') }} as m on m.table_id = rules.table_id
    inner join figures as f on f.table_id = m.table_id and f.indicator_code = m.indicator_code
),

candidates as (
    select
        mapped.*,
        s.year as official_year,
        s.value as official_value,
        s.edition as official_edition,
        s.convention,
        max(s.year) over (partition by mapped.table_id, mapped.indicator_code) as last_year
    from mapped
    left join {{ ref('int_opendata__focus_series') }} as s on s.series_code = mapped.series_code
    qualify row_number() over (
        partition by mapped.table_id, mapped.indicator_code
        order by abs(s.year - mapped.printed_year) asc nulls last, s.year desc, s.edition desc
    ) = 1
)

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
    cast(printed as decimal(38, 10)) as published_value,
    decimals as published_decimals,
    cast(coalesce(official_value, 0) as decimal(38, 10)) as computed_value,
    cast(coalesce(official_value, 0) as decimal(38, 10)) - cast(printed as decimal(38, 10)) as delta,
    {{ half_unit('decimals') }} as tolerance,
    {{ severity_of('kind') }} as severity,
    case
        when official_value is null then 'aucune valeur officielle pour cette série'
        when official_year = printed_year
            then 'valeur des fichiers officiels pour ' || official_year || ' (édition ' || official_edition || ' ; ' || convention || ')'
        else 'l''année ' || printed_year || ' n''est pas couverte par les fichiers officiels (dernière année : '
             || last_year || ') ; la plus proche est ' || official_year || ' (édition ' || official_edition || ' ; '
             || convention || ')'
    end as computed_desc,
    {{ half_unit_text('decimals') }} as tolerance_desc,
    case when official_year <> printed_year
         then 'Sources d''années différentes : l''écart dit de combien la dernière année publiée dans les fichiers officiels diffère du chiffre imprimé.'
    end as hint_if_failed
from candidates
{%- endif %}
