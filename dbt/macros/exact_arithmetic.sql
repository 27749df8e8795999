{#- Exact arithmetic for money and shares. DuckDB divides DECIMALs in floating point, so
    divisions that must be exact are done on integers (HUGEINT) and rounded explicitly. -#}

{#- Integer division rounded half away from zero ("half-up" in French accounting). -#}
{% macro div_half_up(numerator, denominator) -%}
    (sign({{ numerator }}) * sign({{ denominator }})
        * ((2 * abs({{ numerator }}) + abs({{ denominator }})) // (2 * abs({{ denominator }}))))
{%- endmacro %}

{#- A DECIMAL with `digits` decimals from an integer counted in 10^-digits units. -#}
{% macro from_scaled(integer_expression, digits) -%}
    {%- if digits == 0 -%}
    cast({{ integer_expression }} as decimal(38, 0))
    {%- else -%}
    (cast({{ integer_expression }} as decimal(38, 0)) * cast('0.{{ "0" * (digits - 1) }}1' as decimal(38, {{ digits }})))
    {%- endif -%}
{%- endmacro %}

{#- An exact DECIMAL (or euro amount) with at most `input_digits` decimals as an integer count of
    its smallest unit (cents for euros). -#}
{% macro to_scaled(decimal_expression, input_digits=2) -%}
    cast(({{ decimal_expression }}) * {{ 10 ** input_digits }} as hugeint)
{%- endmacro %}

{#- numerator / denominator × multiplier, rounded half away from zero to `digits` decimals,
    computed exactly. Both inputs must have at most `input_digits` decimals. -#}
{% macro exact_ratio(numerator, denominator, digits, multiplier=1, input_digits=2) -%}
    {{ from_scaled(div_half_up(
        to_scaled(numerator, input_digits) ~ ' * ' ~ (multiplier * 10 ** digits),
        to_scaled(denominator, input_digits)
    ), digits) }}
{%- endmacro %}
