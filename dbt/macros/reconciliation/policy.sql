{#- Tolerance and severity policy of the reconciliation checks (docs/reconciliation.md): implemented
    here and only here. Every check model builds its tolerance from these macros.

    A figure printed with d decimals stands for any value within half a unit of its last digit;
    counted and paid quantities (people, euros, hours, months) and contractual terms (the 60/20/20 %
    instalments of a convention, the CNSA's 50 % share) are exact: they add no rounding, as inputs
    and as the figure checked (an amount computed from exact figures must equal the printed one:
    tolerance 0). A figure that is copied, not computed (the same rate printed twice, the same bonus
    in two CPOM models), is compared at tolerance 0 whatever its unit. -#}

{#- Units whose printed figures are exact. `contract_pct` is the unit int_reconciliation__figures
    gives to percentages whose role is a contractual term (reference.deliberation_figure_roles,
    exact: the 60/20/20 % instalments of a convention, the CNSA's 50 % share). -#}
{% macro exact_units() -%}
    {{ return(['count', 'eur', 'hours', 'months', 'contract_pct']) }}
{%- endmacro %}

{#- Severity by check kind (seeds/reconciliation/check_kinds.csv, the one list: the register refuses
    to acknowledge an error-severity check from the same file): error when OUR figures disagree
    with the document (blocks publishing), warning when the document disagrees with itself or with
    another source; a kind the seed does not list fails the mart's relationships test. Read when
    the models run (the seed is a dependency dbt knows); the subquery's own column is renamed so
    that `kind` is the outer row's. -#}
{% macro severity_of(kind) -%}
    coalesce((select k.kind_severity from (select check_kind as listed_kind, severity as kind_severity
                                           from {{ ref('check_kinds') }}) as k
              where k.listed_kind = {{ kind }}), 'warning')
{%- endmacro %}

{#- Half a unit of the last printed digit (0.005 for a figure printed to the cent), exact. -#}
{% macro half_unit(decimals) -%}
    cast(0.5 * power(10, -coalesce({{ decimals }}, 0)) as decimal(38, 10))
{%- endmacro %}

{#- A printed figure's own rounding: none when its unit is exact and the value it is compared with
    can be printed at its decimals; otherwise half a unit of its last digit (a euro total printed
    without the cents of its lines, an amount in euros computed as hours × a rate, is rounded). -#}
{% macro is_exact_figure(decimals, unit, computed='null') -%}
    coalesce({{ unit }} in ('{{ exact_units() | join("', '") }}')
             and (({{ computed }}) is null or {{ is_exact_at(computed, 'coalesce(' ~ decimals ~ ', 0)') }}), false)
{%- endmacro %}
{#- How far a printed figure may be from the value it stands for (as an input, or as the figure
    checked): zero when it is exact. -#}
{% macro rounding_of(decimals, unit, computed='null') -%}
    (case when {{ is_exact_figure(decimals, unit, computed) }} then cast(0 as decimal(38, 10))
          else {{ half_unit(decimals) }} end)
{%- endmacro %}

{#- A printed total against the sum of n values: the summed values' roundings + the total's own
    rounding (none when it is exact: counts, euros, hours printed as finely as their sum). -#}
{% macro tolerance_sum(summed_roundings, published_decimals, published_unit='null', computed='null') -%}
    (coalesce({{ summed_roundings }}, 0) + {{ rounding_of(published_decimals, published_unit, computed) }})
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

{#- A derived figure: its own rounding (none when it is exact) plus the largest move of its formula
    at the input corners. -#}
{% macro tolerance_corners(template, inputs, published_decimals, published_unit='null', computed='null') -%}
    ({{ rounding_of(published_decimals, published_unit, computed) }} + {{ corner_spread(template, inputs) }})
{%- endmacro %}

{#- How much of the printed figure the tolerance is: a passed check whose tolerance is a large part
    of the figure (above low_power_share()) and admits another printed value (at least one unit of
    its last digit: a count of 1 with tolerance 0.5 still has to be exactly 1) can hardly fail:
    "contrôle peu discriminant". -#}
{% macro tolerance_share(tolerance, published) -%}
    (case when {{ published }} <> 0 then cast({{ tolerance }} / abs({{ published }}) as decimal(18, 6)) end)
{%- endmacro %}
{% macro low_power_share() -%}
    {{ return('0.25') }}
{%- endmacro %}
{% macro is_low_power(passed, share, tolerance, decimals) -%}
    coalesce({{ passed }} and {{ share }} > {{ low_power_share() }}
             and {{ tolerance }} >= cast(power(10, -coalesce({{ decimals }}, 0)) as decimal(38, 10)), false)
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
{% macro describe_tolerance(kind, decimals, rounded_count='null', unit='null', tolerance='null', computed='null') -%}
    {%- set exact = is_exact_figure(decimals, unit, computed) -%}
    case
        when coalesce({{ tolerance }} = 0, false) and {{ kind }} = 'engine'
            then 'aucune : nos montants et heures doivent être égaux au chiffre imprimé'
        when coalesce({{ tolerance }} = 0, false)
            then 'aucune : valeurs exactes (effectifs, euros, heures, termes d''une convention) des deux côtés'
        when {{ kind }} = 'total_row' and coalesce({{ rounded_count }}, 0) = 0
            then 'valeurs exactes (effectifs, euros, heures) : ' || {{ half_unit_text(decimals) }} || ' pour le total seulement'
        when {{ kind }} = 'total_row'
            then {{ rounded_count }} || ' × ' || {{ half_unit_text(decimals) }} || ' pour les ' || {{ rounded_count }}
                 || ' valeurs arrondies additionnées + '
                 || case when {{ exact }} then 'rien pour le total, exact' else {{ half_unit_text(decimals) }} || ' pour le total' end
        when {{ kind }} in ('derived_column', 'regional_aggregate', 'cross_row', 'cross_source')
            then case when {{ exact }} then 'le chiffre imprimé est exact' else {{ half_unit_text(decimals) }} end
                 || ' + effet des arrondis des valeurs d''entrée'
        when {{ kind }} = 'cross_document'
            then '½ unité du dernier chiffre de chacun des deux chiffres imprimés'
        else {{ half_unit_text(decimals) }} || ' : nos montants doivent être égaux au chiffre imprimé'
    end
{%- endmacro %}

{#- A copy of a printed figure (copy_of, or the same row of two tables of one kind): no tolerance. -#}
{% macro copy_tolerance_text() -%}
    'aucune : le chiffre recopie un autre chiffre imprimé, il doit lui être égal'
{%- endmacro %}
