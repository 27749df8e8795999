{#- One row per printed row (and year, for a kind printing columns once per year) of every table
    of a document kind, across all documents of that kind: the document, its département and date,
    the table's parameters, then the kind's columns typed. Built from the long cells
    (stg_deliberations__cells: each cell carries its kind and kind column), so that a new table
    of a known kind needs only its catalogue entry. A column a table does not print is NULL.
      columns: list of (kind column, SQL type or 'text', printed once per year)
      parameters: list of (parameter, SQL type) the kind takes (catalogue `parameters`)
      extra: SQL expressions over the row's cells `c` added to the select (aggregates) -#}
{% macro deliberation_kind_rows(kind, columns, parameters=[], extra=[]) -%}
    {%- set yearly = columns | selectattr(2) | list -%}
    {%- set once = columns | rejectattr(2) | list -%}
with cells as (
    select * from {{ ref('stg_deliberations__cells') }}
    where kind = '{{ kind }}'
),

tables as (
    select e.table_id, e.document_id, d.department_code, d.deliberation_date
    from {{ ref('stg_deliberations__catalogue_entries') }} as e
    inner join {{ ref('stg_deliberations__documents') }} as d on d.document_id = e.document_id
    where e.kind = '{{ kind }}'
),

parameters as (
    select
        table_id
        {%- for name, type in parameters %},
        cast(max(value) filter (where parameter = '{{ name }}') as {{ type }}) as {{ name }}
        {%- endfor %}
    from {{ ref('stg_deliberations__catalogue_parameters') }}
    group by table_id
),

printed_rows as (
    select
        c.table_id,
        c.source_line,
        any_value(c.printed_row) as printed_row,
        bool_or(c.is_total) as is_total,
        any_value(c.section) as section,
        any_value(c.row_label) as row_label
        {%- for expression in extra %},
        {{ expression }}
        {%- endfor %}
        {%- for name, type, _ in once %},
        {{ kind_cell(name, type) }} as {{ name }}
        {%- endfor %}
    from cells as c
    where c.column_year is null
    group by c.table_id, c.source_line
)
{%- if yearly %},

years as (
    select
        c.table_id,
        c.source_line,
        c.column_year as year
        {%- for name, type, _ in yearly %},
        {{ kind_cell(name, type) }} as {{ name }}
        {%- endfor %}
    from cells as c
    where c.column_year is not null
    group by c.table_id, c.source_line, c.column_year
)
{%- endif %}

select
    t.document_id,
    r.table_id,
    t.department_code,
    t.deliberation_date,
    {%- for name, _ in parameters %}
    p.{{ name }},
    {%- endfor %}
    cast(r.source_line as integer) as source_line,
    cast(r.printed_row as integer) as printed_row,
    r.is_total,
    r.section,
    r.row_label,
    {%- if yearly %}
    cast(y.year as integer) as year,
    {%- endif %}
    r.* exclude (table_id, source_line, printed_row, is_total, section, row_label)
    {%- for name, _, _ in yearly %},
    y.{{ name }}
    {%- endfor %}
from printed_rows as r
inner join tables as t on t.table_id = r.table_id
left join parameters as p on p.table_id = r.table_id
{%- if yearly %}
left join years as y on y.table_id = r.table_id and y.source_line = r.source_line
{%- endif %}
{%- endmacro %}

{#- The value of one kind column in a row's cells, typed. -#}
{% macro kind_cell(name, type) -%}
    {%- if type == 'text' -%}
        max(c.text_value) filter (where c.kind_column = '{{ name }}')
    {%- else -%}
        cast(max(c.value) filter (where c.kind_column = '{{ name }}') as {{ type }})
    {%- endif -%}
{%- endmacro %}
