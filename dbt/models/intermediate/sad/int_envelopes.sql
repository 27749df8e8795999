-- Every envelope to split between SAD: the published ones (reference.envelope_definitions, amounts read
-- from the document) and the what-if ones from dbt vars (see macros/whatif.sql).
with declared as (
    select * from {{ ref('envelope_definitions') }}
),

prose as (
    select figure_id, value, document_id, source_line
    from {{ ref('stg_deliberations__prose_figures') }}
),

annex_totals as (
    select * from {{ ref('int_fap_annex_amounts') }}
    where is_total
),

published as (
    select
        d.envelope_id,
        case when d.hours_source is null then 'published_only' else 'published' end as envelope_kind,
        d.department_code,
        d.year,
        d.basis_year,
        d.hours_source,
        cast(coalesce(p.value, t.amount_eur) as decimal(14, 2)) as envelope_eur,
        coalesce(p.document_id, t.document_id) as amount_document_id,
        cast(coalesce(p.source_line, t.source_line) as integer) as amount_source_line,
        d.published_amount_column,
        d.description_fr
    from declared as d
    left join prose as p on p.figure_id = d.amount_figure_id
    left join annex_totals as t on t.column_name = d.amount_annex_total_column
),

whatif as (
    {%- set whatifs = whatif_envelopes() %}
    {%- set department = var('whatif_department_code', '62') | string %}
    {%- set hours_source = var('whatif_hours_source', 'fap_annex') %}
    {%- set basis_year = var('whatif_basis_year', none) %}
    {%- for w in whatifs %}
    select
        'whatif_{{ w.year }}' as envelope_id,
        'whatif' as envelope_kind,
        '{{ department }}' as department_code,
        {{ w.year }} as year,
        {% if basis_year is not none -%}
        {{ basis_year | int }}
        {%- else -%}
        (select max(year) from {{ ref('int_sad_hours') }}
            where department_code = '{{ department }}' and hours_source = '{{ hours_source }}')
        {%- endif %} as basis_year,
        '{{ hours_source }}' as hours_source,
        cast('{{ w.amount_eur }}' as decimal(14, 2)) as envelope_eur,
        cast(null as varchar) as amount_document_id,
        cast(null as integer) as amount_source_line,
        cast(null as varchar) as published_amount_column,
        'Simulation (dbt var envelope_{{ w.year }}_eur)' as description_fr
    {% if not loop.last %}union all{% endif %}
    {%- else %}
    select * from published
    where false
    {%- endfor %}
)

select * from published
union all
select * from whatif
