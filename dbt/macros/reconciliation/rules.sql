{#- The reconciliation rules live in one place: seeds/reconciliation/reconciliation_rules.csv (and the
    suites in reconciliation_suites.csv). Models whose SQL depends on a rule's formula read them at
    compile time; every other check model joins the seeds in SQL. -#}

{#- The rules of one rule_type, as dicts (suite, document_kind, kind, name, published, inputs
    (list), formula, formula_desc, missing_as_zero, expectation). Empty while dbt parses the
    project. -#}
{% macro reconciliation_rules(rule_type) -%}
    {%- set rules_relation = ref('reconciliation_rules') -%}
    {%- set suites_relation = ref('reconciliation_suites') -%}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set query -%}
        select r.suite, coalesce(s.document_kind, '') as document_kind, r.kind, r.name, coalesce(r.published, '') as published,
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
            'suite': row['suite'], 'document_kind': row['document_kind'], 'kind': row['kind'], 'name': row['name'],
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

{#- "<kind>.<column>" -> (kind, column) -#}
{% macro _kind_column(text) -%}
    {%- set parts = text.split('.', 1) -%}
    {{ return((parts[0], parts[1])) }}
{%- endmacro %}

{#- The printed figures a formula rule checks, as a predicate on int_reconciliation__figures:
      role:<role>              figures printed in prose with that role
      indicator:<code>         figures (cells or prose) of that indicator
      rows:<kind>              the number of rows of each table of that kind
      cell:<kind>.<column>     the (non-total) cells of that column of each table of that kind
      linked:<kind>.<column>   the same, on the rows the catalogue links to totals they finance
      copies                   figures printed in prose that repeat another one (copy_of) -#}
{% macro published_predicate(reference) -%}
    {%- set parts = reference.split(':', 1) -%}
    {%- if parts[0] == 'role' -%}
        figure_kind = 'prose' and role = {{ sql_string(parts[1]) }}
    {%- elif parts[0] == 'indicator' -%}
        indicator_code = {{ sql_string(parts[1]) }}
    {%- elif parts[0] == 'rows' -%}
        figure_kind = 'rows' and kind = {{ sql_string(parts[1]) }}
    {%- elif parts[0] in ('cell', 'linked') -%}
        {%- set kc = _kind_column(parts[1]) -%}
        figure_kind = 'cell' and not is_total and kind = {{ sql_string(kc[0]) }} and kind_column = {{ sql_string(kc[1]) }}
        {%- if parts[0] == 'linked' %} and finances_links > 0{% endif %}
    {%- elif parts[0] == 'copies' -%}
        figure_kind = 'prose' and copy_of is not null
    {%- else -%}
        {{ exceptions.raise_compiler_error("unknown published figure in reconciliation_rules.csv: " ~ reference) }}
    {%- endif -%}
{%- endmacro %}

{#- Whether check ids of a published reference need the figure's id: figures of one role (or
    copies) may share a line. -#}
{% macro published_by_figure(reference) -%}
    {{ return(reference.split(':', 1)[0] in ('role', 'copies')) }}
{%- endmacro %}

{#- One input of a formula rule, as a LATERAL subquery over the figures `f` correlated with the
    published figure `p`: value, rounding (how far it may be from the value it stands for),
    document_id, source_line, and found (how many figures it was read from; 0 = not printed).
    Inputs are read in the published figure's document:
      role:<role>                  the first figure of that role (same subject, for roles that take one)
      sum:role:<role>              the sum of the figures of that role
      indicator:<code>             the first figure of that indicator for the same territory
      total:<kind>.<column>        the TOTAL cell of that column of the document's table of that kind
      rows:<kind>                  the number of rows of the document's table of that kind
      subject_total:<column>       the sum of the TOTAL cells of that column of the tables the subject names
      subject_rows                 the sum of the rows of the tables the subject names
      subject_cell:<kind>.<column> that column's cell on the row of the kind's table the subject names
      same_row:<kind>.<column>     that column's cell on the row of the kind's table printed with the same label
      financed_totals              the sum of the TOTAL cells the published budget line finances
      copied                       the figure the published one repeats (copy_of) -#}
{% macro input_lookup(reference) -%}
    {%- set parts = reference.split(':', 1) -%}
    {%- set first = "order by f.source_line, f.column_index limit 1" -%}
    {%- set one = "f.value, f.rounding, f.document_id, f.source_line, 1 as found" -%}
    {%- set summed = "sum(f.value) as value, sum(f.rounding) as rounding, min(f.document_id) as document_id, min(f.source_line) as source_line, count(f.value) as found" -%}
    {%- if parts[0] == 'role' -%}
        (select {{ one }} from figures as f
         where f.document_id = p.document_id and f.figure_kind = 'prose' and f.role = {{ sql_string(parts[1]) }}
           and (f.subject is null or f.subject is not distinct from p.subject) {{ first }})
    {%- elif parts[0] == 'sum' -%}
        {%- set role = parts[1].split(':', 1)[1] -%}
        (select {{ summed }} from figures as f
         where f.document_id = p.document_id and f.figure_kind = 'prose' and f.role = {{ sql_string(role) }})
    {%- elif parts[0] == 'indicator' -%}
        (select {{ one }} from figures as f
         where f.document_id = p.document_id and f.indicator_code = {{ sql_string(parts[1]) }}
           and f.territory_code is not distinct from p.territory_code {{ first }})
    {%- elif parts[0] == 'total' -%}
        {%- set kc = _kind_column(parts[1]) -%}
        (select {{ one }} from figures as f
         where f.document_id = p.document_id and f.figure_kind = 'cell' and f.is_total
           and f.kind = {{ sql_string(kc[0]) }} and f.kind_column = {{ sql_string(kc[1]) }} {{ first }})
    {%- elif parts[0] == 'rows' -%}
        (select {{ one }} from figures as f
         where f.document_id = p.document_id and f.figure_kind = 'rows' and f.kind = {{ sql_string(parts[1]) }} {{ first }})
    {%- elif parts[0] == 'subject_total' -%}
        (select {{ summed }} from figures as f
         where f.document_id = p.document_id and f.figure_kind = 'cell' and f.is_total
           and f.kind_column = {{ sql_string(parts[1]) }} and list_contains(string_split(p.subject, '|'), f.table_id))
    {%- elif parts[0] == 'subject_rows' -%}
        (select {{ summed }} from figures as f
         where f.document_id = p.document_id and f.figure_kind = 'rows' and list_contains(string_split(p.subject, '|'), f.table_id))
    {%- elif parts[0] == 'subject_cell' -%}
        {%- set kc = _kind_column(parts[1]) -%}
        (select {{ one }} from figures as f
         where f.document_id = p.document_id and f.figure_kind = 'cell' and not f.is_total
           and f.kind = {{ sql_string(kc[0]) }} and f.kind_column = {{ sql_string(kc[1]) }}
           and list_contains(string_split(f.row_label, ' / '), p.subject) {{ first }})
    {%- elif parts[0] == 'same_row' -%}
        {%- set kc = _kind_column(parts[1]) -%}
        (select {{ one }} from figures as f
         where f.document_id = p.document_id and f.figure_kind = 'cell' and not f.is_total
           and f.kind = {{ sql_string(kc[0]) }} and f.kind_column = {{ sql_string(kc[1]) }}
           and f.row_label = p.row_label {{ first }})
    {%- elif parts[0] == 'financed_totals' -%}
        (select {{ summed }} from figures as f
         inner join {{ ref('stg_deliberations__row_links') }} as l
            on l.finances_table_id = f.table_id and l.finances_column = f.column_name
         where l.table_id = p.table_id and l.source_line = p.source_line and f.figure_kind = 'cell' and f.is_total)
    {%- elif parts[0] == 'copied' -%}
        (select {{ one }} from figures as f
         where f.document_id = p.document_id and f.figure_kind = 'prose' and f.figure_id = p.copy_of {{ first }})
    {%- else -%}
        {{ exceptions.raise_compiler_error("unknown input figure in reconciliation_rules.csv: " ~ reference) }}
    {%- endif -%}
{%- endmacro %}

{#- The common columns of every check kind model, with no row: what a model yields while no rule
    of its kind exists. to_describe: the columns before with_tolerance_described (published_unit
    and is_copy instead of tolerance_desc). -#}
{% macro no_evaluation(to_describe=false) -%}
    select null::varchar as suite, null::varchar as expectation, null::varchar as check_id,
           null::varchar as check_kind, null::varchar as document_id, null::integer as source_line,
           null::varchar as table_id, null::varchar as measure, null::varchar as row_label,
           null::decimal(38, 10) as published_value, null::integer as published_decimals,
           null::decimal(38, 10) as computed_value, null::decimal(38, 10) as delta,
           null::decimal(38, 10) as tolerance, null::varchar as severity, null::varchar as computed_desc,
           {% if to_describe %}null::varchar as published_unit, false as is_copy{% else %}null::varchar as tolerance_desc{% endif %},
           null::varchar as hint_if_failed
    where false
{%- endmacro %}

{#- The rows of `relation` with tolerance_desc, described from their columns (check_kind,
    published_decimals, published_unit, tolerance, computed_value; is_copy: tolerance 0 because the
    figure copies another). Done once over a model's union of rules: written inside each rule's
    select, the description repeated the tolerance's expression (the formula at 2^n corners): the
    formula model's SQL was 300 KB, and DuckDB took about 2 s to plan it. -#}
{% macro with_tolerance_described(relation) -%}
    select
        *,
        case when is_copy then {{ copy_tolerance_text() }}
             else {{ describe_tolerance('check_kind', 'published_decimals', unit='published_unit', tolerance='tolerance', computed='computed_value') }}
        end as tolerance_desc
    from {{ relation }}
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

{#- The rules of one type (reconciliation_rules seed) with the kind of table their suite reads and their
    expectation name (<kind>__<name>, the Dagster check is <suite>__<expectation>). -#}
{% macro reconciliation_rules_of_type(rule_type) -%}
    select
        rules.*,
        suites.document_kind,
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
    explanation,
    cast(tolerance_share as decimal(18, 6)) as tolerance_share,
    is_low_power,
    source_kind
{%- endmacro %}

{#- The DREES tables whose printed totals the official_total rules check: (suite, staging model).
    Read by the check model and by the coverage contract, which counts their printed totals. -#}
{% macro official_drees_tables() -%}
    {{ return([
        ('official_drees_beneficiaries', 'stg_drees__aid_beneficiaries'),
        ('official_drees_spending', 'stg_drees__aid_spending'),
        ('official_drees_aah', 'stg_drees__aah_recipients'),
    ]) }}
{%- endmacro %}

{#- The printed figures a formula rule checks, with its inputs i0, i1... looked up for each (LATERAL,
    NULL when the document does not print one): the rule applies to a document that prints at
    least one of its inputs. The FROM and WHERE of the formula model and of the coverage contract. -#}
{% macro formula_rows(rule) -%}
    from (select * from figures where {{ published_predicate(rule.published) }}) as p
    {%- for reference in rule.inputs %}
    left join lateral {{ input_lookup(reference) }} as i{{ loop.index0 }} on true
    {%- endfor %}
    where false
    {%- for reference in rule.inputs %}
        or coalesce(i{{ loop.index0 }}.found, 0) > 0
    {%- endfor %}
{%- endmacro %}
