{#- Tolerance and severity policy of the reconciliation checks (docs/reconciliation.md): implemented
    here and only here. Every check model builds its tolerance from these macros.

    A figure printed with d decimals stands for any value within half a unit of its last digit;
    counted and paid quantities (people, euros, hours, months) and contractual terms (the 60/20/20 %
    instalments of a convention, the CNSA's 50 % share) are exact: they add no rounding. -#}

{#- Units whose printed figures are exact. `contract_pct` is the unit int_reconciliation__figures
    gives to the contractual percentages listed in contractual_terms(). -#}
{% macro exact_units() -%}
    {{ return(['count', 'eur', 'hours', 'months', 'contract_pct']) }}
{%- endmacro %}

{#- Prose figures that are terms of a contract or a rule, not rounded measurements. -#}
{% macro contractual_terms() -%}
    {{ return([
        'si_apa_first_instalment_pct', 'si_apa_second_instalment_pct', 'si_apa_balance_pct',
        'cnsa_share_pct', 'report_cnsa_share_pct',
        'mdph_first_instalment_pct', 'mdph_second_instalment_pct',
        'advance_apa_pct', 'advance_pch_pct',
    ]) }}
{%- endmacro %}

{#- Severity by check kind: error when OUR figures disagree with the document (blocks publishing),
    or when one producer prints two figures for the same year (cross_publication: the same DREES
    figure in two publications); warning when the document disagrees with itself or with another
    source, or declares a value the law or plausibility rule out (legal_ordering, plausible_range). -#}
{% macro severity_of(kind) -%}
    case {{ kind }} when 'engine' then 'error' when 'cross_publication' then 'error' else 'warning' end
{%- endmacro %}

{#- Half a unit of the last printed digit (0.005 for a figure printed to the cent), exact. -#}
{% macro half_unit(decimals) -%}
    cast(0.5 * power(10, -coalesce({{ decimals }}, 0)) as decimal(38, 10))
{%- endmacro %}

{#- How far a printed input may be from the value it stands for: zero when it is exact. -#}
{% macro rounding_of(decimals, unit) -%}
    (case when {{ unit }} in ('{{ exact_units() | join("', '") }}') then cast(0 as decimal(38, 10))
          else {{ half_unit(decimals) }} end)
{%- endmacro %}

{#- A printed total against the sum of n values: the summed values' roundings + the total's half-unit. -#}
{% macro tolerance_sum(summed_roundings, published_decimals) -%}
    (coalesce({{ summed_roundings }}, 0) + {{ half_unit(published_decimals) }})
{%- endmacro %}

{#- A formula template such as `{0} / ({0} + {1}) * 100` applied to SQL expressions. -#}
{% macro apply_formula(template, arguments) -%}
    {%- set ns = namespace(sql=template) -%}
    {%- for argument in arguments -%}
        {%- set ns.sql = ns.sql | replace('{' ~ loop.index0 ~ '}', '(' ~ argument ~ ')') -%}
    {%- endfor -%}
    ({{ ns.sql }})
{%- endmacro %}

{#- The largest move of a formula when each input moves within its rounding: the formula at the 2^n
    corners of the input intervals, generated at compile time. inputs: list of (value, rounding) SQL
    expressions. A corner that divides by zero (DuckDB: ±inf or NaN) is NULL and ignored
    (greatest ignores NULLs). -#}
{% macro corner_spread(template, inputs) -%}
    {%- set centre = apply_formula(template, inputs | map(attribute=0) | list) -%}
    greatest(0
    {%- for corner in range(2 ** (inputs | length)) %}
        {%- set ns = namespace(arguments=[]) -%}
        {%- for value, rounding in inputs -%}
            {%- set sign = '+' if (corner // (2 ** loop.index0)) % 2 else '-' -%}
            {%- set ns.arguments = ns.arguments + [value ~ ' ' ~ sign ~ ' ' ~ rounding] -%}
        {%- endfor %},
        {%- set move = 'abs(' ~ apply_formula(template, ns.arguments) ~ ' - ' ~ centre ~ ')' %}
        case when isfinite(cast({{ move }} as double)) then {{ move }} end
    {%- endfor %})
{%- endmacro %}

{#- A derived figure: its own half-unit plus the largest move of its formula at the input corners. -#}
{% macro tolerance_corners(template, inputs, published_decimals) -%}
    ({{ half_unit(published_decimals) }} + {{ corner_spread(template, inputs) }})
{%- endmacro %}

{#- |delta| in millionths rounded up, tolerance in millionths rounded down: integers, so that no
    check passes by a floating-point accident. -#}
{% macro micro_ceil(value) -%}
    cast(ceil(abs({{ value }}) * 1000000) as bigint)
{%- endmacro %}
{% macro micro_floor(value) -%}
    cast(floor({{ value }} * 1000000) as bigint)
{%- endmacro %}

{#- How the tolerance of a check was obtained, in French, for the explanation. -#}
{% macro half_unit_text(decimals) -%}
    ('½ unité du dernier chiffre imprimé (0,' || repeat('0', coalesce({{ decimals }}, 0)) || '5)')
{%- endmacro %}
{% macro describe_tolerance(kind, decimals, rounded_count='null') -%}
    case
        when {{ kind }} = 'total_row' and coalesce({{ rounded_count }}, 0) = 0
            then 'valeurs exactes (effectifs, euros, heures) : ' || {{ half_unit_text(decimals) }} || ' pour le total seulement'
        when {{ kind }} = 'total_row'
            then {{ rounded_count }} || ' × ' || {{ half_unit_text(decimals) }} || ' pour les ' || {{ rounded_count }}
                 || ' valeurs arrondies additionnées + ' || {{ half_unit_text(decimals) }} || ' pour le total'
        when {{ kind }} in ('derived_column', 'regional_aggregate', 'cross_row', 'cross_source')
            then {{ half_unit_text(decimals) }} || ' + effet des arrondis des valeurs d''entrée'
        when {{ kind }} = 'cross_document'
            then '½ unité du dernier chiffre de chacun des deux chiffres imprimés'
        else {{ half_unit_text(decimals) }} || ' : nos montants doivent être égaux au chiffre imprimé'
    end
{%- endmacro %}
