-- Every envelope to split between SAD:
--   * published: one per envelope annex (kind sad_envelope_annex), split on the annex's hours of
--     its hours_year; its amount is the first figure of the same document with role
--     envelope_eur (the decision's "d'un montant de ... €"), else the annex's printed TOTAL;
--   * published_only: the previous year's envelope an annex prints beside its own, when no
--     annex of that year is loaded: amounts published, hours no document gives;
--   * whatif: from dbt vars (see macros/whatif.sql), split on the hours macro
--     envelope_hours_basis chooses (latest complete year of FAP exports before the envelope's
--     year, else the latest annex hours before it); not built when there are none.
-- hours_table_id: the annex whose hours a published envelope is split on (its own); NULL for
-- the others, split on the year's reference hours (macro envelope_hours_join).
with annexes as (
    select distinct a.table_id, a.document_id, a.department_code, a.hours_year, a.envelope_year
    from {{ ref('stg_deliberations__sad_envelope_annex') }} as a
),

documents as (
    select * from {{ ref('stg_deliberations__documents') }}
),

amounts as (
    select * from {{ ref('int_sad__envelope_annex_amounts') }}
),

stated as (
    -- the envelope as the text states it: the first figure with role envelope_eur, by line
    select document_id, arg_min(value, source_line) as value, min(source_line) as source_line
    from {{ ref('stg_deliberations__prose_figures') }}
    where role = 'envelope_eur'
    group by document_id
),

published as (
    select
        t.envelope_id,
        'published' as envelope_kind,
        a.department_code,
        a.envelope_year as year,
        a.hours_year as basis_year,
        'fap_annex' as hours_source,
        a.table_id as hours_table_id,
        cast(coalesce(s.value, t.amount_eur) as decimal(14, 2)) as envelope_eur,
        a.document_id as amount_document_id,
        cast(coalesce(s.source_line, t.source_line) as integer) as amount_source_line,
        a.table_id,
        'envelope_eur' as published_amount_column,
        'Compensation CNSA (accord de la branche de l''aide à domicile) ' || a.envelope_year
        || ' reversée aux SAD au prorata de l''activité APA ' || a.hours_year || ' facturée via FAP (délibération n°'
        || d.deliberation_number || ' du ' || strftime(d.deliberation_date, '%d/%m/%Y') || ')' as description_fr
    from annexes as a
    inner join documents as d on d.document_id = a.document_id
    inner join amounts as t on t.table_id = a.table_id and t.is_total and t.column_name = 'envelope_eur'
    left join stated as s on s.document_id = a.document_id
),

published_only as (
    select
        t.envelope_id,
        'published_only' as envelope_kind,
        t.department_code,
        t.year,
        t.year - 1 as basis_year,  -- split on the year before's hours, which no loaded document gives
        cast(null as varchar) as hours_source,
        cast(null as varchar) as hours_table_id,
        cast(t.amount_eur as decimal(14, 2)) as envelope_eur,
        t.document_id as amount_document_id,
        cast(t.source_line as integer) as amount_source_line,
        t.table_id,
        'previous_envelope_eur' as published_amount_column,
        'Enveloppe ' || t.year || ' répartie sur l''activité ' || (t.year - 1)
        || ', qu''aucun document chargé ne donne : montants publiés seulement (annexe de la délibération n°'
        || d.deliberation_number || ' du ' || strftime(d.deliberation_date, '%d/%m/%Y') || ')' as description_fr
    from amounts as t
    inner join documents as d on d.document_id = t.document_id
    where t.is_total and t.column_name = 'previous_envelope_eur'
        and t.envelope_id not in (select envelope_id from published)
    -- two later annexes may both print it: the latest document's
    qualify row_number() over (partition by t.envelope_id order by d.deliberation_date desc, t.document_id desc) = 1
),

whatif as (
    {%- set whatifs = whatif_envelopes() %}
    {%- set department = var('whatif_department_code', var('department_code')) | string %}
    {%- set hours_source = var('whatif_hours_source', none) %}
    {%- set basis_year = var('whatif_basis_year', none) %}
    {%- for w in whatifs %}
    select
        'whatif_{{ w.year }}' as envelope_id,
        'whatif' as envelope_kind,
        '{{ department }}' as department_code,
        {{ w.year }} as year,
        b.basis_year,
        b.hours_source,
        cast(null as varchar) as hours_table_id,
        cast('{{ w.amount_eur }}' as decimal(14, 2)) as envelope_eur,
        cast(null as varchar) as amount_document_id,
        cast(null as integer) as amount_source_line,
        cast(null as varchar) as table_id,
        cast(null as varchar) as published_amount_column,
        'Simulation (dbt var envelope_{{ w.year }}_eur)' as description_fr
    from ({{ envelope_hours_basis(department, w.year, hours_source, basis_year) }}) as b
    {% if not loop.last %}union all{% endif %}
    {%- else %}
    select * from published
    where false
    {%- endfor %}
)

select * from published
union all
select * from published_only
union all
select * from whatif
