{#- The reconciliation rules live in one place: seeds/reconciliation/reconciliation_rules.csv (and the
    suites in reconciliation_suites.csv). Models whose SQL depends on a rule's formula read them at
    compile time; every other check model joins the seeds in SQL. -#}

{#- The rules of one rule_type, as dicts (suite, table_id, kind, name, published, inputs (list),
    formula, formula_desc, missing_as_zero, expectation). Empty while dbt parses the project. -#}
{% macro reconciliation_rules(rule_type) -%}
    {%- set rules_relation = ref('reconciliation_rules') -%}
    {%- set suites_relation = ref('reconciliation_suites') -%}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set query -%}
        select r.suite, s.table_id, r.kind, r.name, coalesce(r.published, '') as published,
               coalesce(r.inputs, '') as inputs, coalesce(r.formula, '') as formula,
               coalesce(r.formula_desc, '') as formula_desc, coalesce(r.missing_as_zero, false) as missing_as_zero
        from {{ rules_relation }} r
        join {{ suites_relation }} s using (suite)
        where r.rule_type = '{{ rule_type }}'
        order by r.suite, r.name
    {%- endset -%}
    {%- set rules = [] -%}
    {%- for row in run_query(query).rows -%}
        {%- do rules.append({
            'suite': row['suite'], 'table_id': row['table_id'], 'kind': row['kind'], 'name': row['name'],
            'published': row['published'], 'inputs': row['inputs'].split('|') if row['inputs'] else [],
            'formula': row['formula'], 'formula_desc': row['formula_desc'],
            'missing_as_zero': row['missing_as_zero'], 'expectation': row['kind'] ~ '__' ~ row['name'],
        }) -%}
    {%- endfor -%}
    {{ return(rules) }}
{%- endmacro %}

{#- SQL literal of a Jinja string. -#}
{% macro sql_string(text) -%}
    '{{ text | replace("'", "''") }}'
{%- endmacro %}

{#- A printed figure named in a rule -> predicate on int_reconciliation__figures:
      prose:<figure_id>                     a figure printed in prose
      rows:<table>                          the number of rows of a table
      indicator:<table>:<code>[:<territory>]  an indicator cell
      total:<table>:<column>                the TOTAL row's cell
      cell:<table>:<column>:<row label>     a cell by its printed row label -#}
{% macro figure_predicate(reference) -%}
    {%- set parts = reference.split(':', 3) -%}
    {%- if parts[0] == 'prose' -%}
        figure_kind = 'prose' and figure_id = {{ sql_string(parts[1]) }}
    {%- elif parts[0] == 'rows' -%}
        figure_kind = 'rows' and table_id = {{ sql_string(parts[1]) }}
    {%- elif parts[0] == 'indicator' -%}
        figure_kind = 'cell' and table_id = {{ sql_string(parts[1]) }} and indicator_code = {{ sql_string(parts[2]) }}
        {%- if parts | length > 3 %} and territory_code = {{ sql_string(parts[3]) }}{% endif %}
    {%- elif parts[0] == 'total' -%}
        figure_kind = 'cell' and table_id = {{ sql_string(parts[1]) }} and is_total and column_name = {{ sql_string(parts[2]) }}
    {%- elif parts[0] == 'cell' -%}
        figure_kind = 'cell' and table_id = {{ sql_string(parts[1]) }} and column_name = {{ sql_string(parts[2]) }}
        and row_label = {{ sql_string(parts[3]) }}
    {%- else -%}
        {{ exceptions.raise_compiler_error("unknown figure reference in reconciliation_rules.csv: " ~ reference) }}
    {%- endif -%}
{%- endmacro %}

{#- The first figure a reference names (in printed order), as a one-row subquery. -#}
{% macro figure_lookup(reference) -%}
    (select * from figures where {{ figure_predicate(reference) }} order by source_line, column_index limit 1)
{%- endmacro %}

{#- The common columns of every check kind model, with no row: what a model yields while no rule
    of its kind exists. -#}
{% macro no_evaluation() -%}
    select null::varchar as suite, null::varchar as expectation, null::varchar as check_id,
           null::varchar as check_kind, null::varchar as document_id, null::integer as source_line,
           null::varchar as table_id, null::varchar as measure, null::varchar as row_label,
           null::decimal(38, 10) as published_value, null::integer as published_decimals,
           null::decimal(38, 10) as computed_value, null::decimal(38, 10) as delta,
           null::decimal(38, 10) as tolerance, null::varchar as severity, null::varchar as computed_desc, null::varchar as tolerance_desc, null::varchar as hint_if_failed
    where false
{%- endmacro %}

{#- <table>.<kind>.<name>.l<line:04d>: the stable check id. -#}
{% macro check_id(table_id, kind, name, line) -%}
    ({{ table_id }} || '.' || {{ kind }} || '.' || {{ name }}
     || case when {{ line }} is null then '' else '.l' || lpad(cast({{ line }} as varchar), 4, '0') end)
{%- endmacro %}

{#- The columns every check kind model yields, from a relation with the same names: one row per
    check, values as DECIMAL(38,10), delta and severity derived the same way for every kind. -#}
{% macro evaluation_columns() -%}
    suite,
    expectation,
    check_id,
    check_kind,
    document_id,
    cast(source_line as integer) as source_line,
    table_id,
    measure,
    row_label,
    cast(published_value as decimal(38, 10)) as published_value,
    published_decimals,
    cast(computed_value as decimal(38, 10)) as computed_value,
    cast(computed_value as decimal(38, 10)) - cast(published_value as decimal(38, 10)) as delta,
    cast(tolerance as decimal(38, 10)) as tolerance,
    {{ severity_of('check_kind') }} as severity,
    computed_desc,
    tolerance_desc,
    hint_if_failed
{%- endmacro %}

{#- The rules of one type (reconciliation_rules seed) with the table their suite reads and their
    expectation name (<kind>__<name>, the Dagster check is <suite>__<expectation>). -#}
{% macro reconciliation_rules_of_type(rule_type) -%}
    select
        rules.*,
        suites.table_id,
        rules.kind || '__' || rules.name as expectation
    from {{ ref('reconciliation_rules') }} as rules
    inner join {{ ref('reconciliation_suites') }} as suites on rules.suite = suites.suite
    where rules.rule_type = '{{ rule_type }}'
{%- endmacro %}

{#- The columns of marts.reconciliation_checks, typed as its contract says; the history repeats
    them after its run columns. -#}
{% macro reconciliation_result_columns() -%}
    check_id,
    check_kind,
    document_id,
    cast(source_line as integer) as source_line,
    table_id,
    measure,
    cast(published_value as decimal(38, 10)) as published_value,
    cast(computed_value as decimal(38, 10)) as computed_value,
    cast(delta as decimal(38, 10)) as delta,
    cast(tolerance as decimal(38, 10)) as tolerance,
    severity,
    passed,
    status,
    explanation
{%- endmacro %}
