{#- What-if envelopes from dbt vars: `envelope_<year>_eur: <amount>` (e.g.
    dbt build --vars '{envelope_2026_eur: 912000}'), for département `whatif_department_code`
    (default: the home département, var department_code), split on the hours of `whatif_basis_year` (default: the latest year with
    hours) from `whatif_hours_source` (default 'fap_annex'). Returns a list of
    {year, amount_eur}; refuses an amount that is not a positive number of euros and cents. -#}
{% macro whatif_envelopes() %}
    {%- set envelopes = [] -%}
    {%- for year in range(2000, 2101) -%}
        {%- set name = 'envelope_' ~ year ~ '_eur' -%}
        {%- set raw = var(name, none) -%}
        {%- if raw is not none -%}
            {%- do envelopes.append({'year': year, 'amount_eur': euro_amount(raw, name)}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(envelopes) }}
{% endmacro %}

{#- The exact decimal text of an amount in euros given as a dbt var, or a clear error. -#}
{% macro euro_amount(raw, name) %}
    {%- set text = raw | string | trim -%}
    {%- if not modules.re.fullmatch('[0-9]+([.][0-9]{1,2})?', text) or (text | float) <= 0 -%}
        {{ exceptions.raise_compiler_error(
            "dbt var " ~ name ~ " = " ~ text ~ ": an envelope must be a positive amount in euros with at most "
            ~ "2 decimals, written with a dot (e.g. 912000 or 912000.50)") }}
    {%- endif -%}
    {{ return(text) }}
{% endmacro %}
