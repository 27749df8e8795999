{#-
  Column comments of the published file (persist_docs): the yml description, preceded by the
  column's French label when it has one (meta.label_fr), so DBeaver and duckdb_columns() show
  "Montant alloué (€) — Amount allocated to the SAD, in euros". One rule for every model and seed.
-#}
{% macro column_comment(column) -%}
    {%- set description = (column.get('description') or '') | trim -%}
    {%- set label_fr = ((column.get('meta') or {}).get('label_fr') or '') | trim -%}
    {{- label_fr ~ ' — ' ~ description if label_fr else description -}}
{%- endmacro %}

{% macro duckdb__alter_column_comment(relation, column_dict) %}
  {% set existing_columns = adapter.get_columns_in_relation(relation) | map(attribute="name") | list %}
  {% for column_name in column_dict if (column_name in existing_columns) %}
    {% set escaped_comment = duckdb_escape_comment(column_comment(column_dict[column_name])) %}
    comment on column {{ relation }}.{{ adapter.quote(column_name) if column_dict[column_name]['quote'] else column_name }} is {{ escaped_comment }};
  {% endfor %}
{% endmacro %}

{#- Folded yml descriptions end with a newline: trimmed, as the column comments are. -#}
{% macro duckdb__alter_relation_comment(relation, comment) %}
  comment on {{ relation.type }} {{ relation }} is {{ duckdb_escape_comment(comment | trim) }};
{% endmacro %}
