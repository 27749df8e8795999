{#- French plain number text, as core/frenchfmt.format_plain(value, digits) writes it: ordinary
    spaces between thousands, decimal comma, '-' for negatives, rounded half-up (away from zero)
    on the exact DECIMAL, never through a float. `digits` may be a column. -#}

{#- value (at most 10 decimals) as an integer count of 10^-digits units, rounded half-up. -#}
{% macro scaled_half_up(value, digits) -%}
    {{ div_half_up(
        'cast(cast(' ~ value ~ ' as decimal(38, 10)) * 10000000000 as hugeint)',
        'cast(power(10, 10 - (' ~ digits ~ ')) as hugeint)'
    ) }}
{%- endmacro %}

{% macro french_number(value, digits) -%}
    (case when ({{ value }}) is null then '–' else
        (case when {{ scaled_half_up(value, digits) }} < 0 then '-' else '' end)
        || replace(format('{:,}', abs({{ scaled_half_up(value, digits) }}) // cast(power(10, {{ digits }}) as hugeint)), ',', ' ')
        || (case when ({{ digits }}) > 0
                 then ',' || lpad(cast(abs({{ scaled_half_up(value, digits) }}) % cast(power(10, {{ digits }}) as hugeint) as varchar), {{ digits }}, '0')
                 else '' end)
    end)
{%- endmacro %}

{#- True when value (at most 10 decimals) has no digit beyond `digits` decimals. -#}
{% macro is_exact_at(value, digits) -%}
    ({{ scaled_half_up(value, digits) }} * cast(power(10, 10 - ({{ digits }})) as hugeint)
        = cast(cast({{ value }} as decimal(38, 10)) * 10000000000 as hugeint))
{%- endmacro %}
