{#- Which hours an envelope is split on: THE rule, used by int_envelopes for every what-if
    envelope (`make whatif`, `make annex`, AUTONOMY_DBT_VARS) and documented in docs/annex.md.

    envelope_hours_basis(department_code, envelope_year, hours_source=none, basis_year=none)
    returns a query of at most one row (hours_source, basis_year) from int_sad_hours (the reference
    hours of each year, is_year_reference):
      * by default, the latest year BEFORE the envelope's year with hours of the département,
        preferring the FAP exports (complete years only, 'fap_exports') to the hours an annex
        prints ('fap_annex', the fallback of a département without FAP exports);
      * hours_source given (dbt var whatif_hours_source): only that source;
      * basis_year given (dbt var whatif_basis_year): that year, whatever the envelope's year.
    No row: no hours to split the envelope on (the envelope is not built; the what-if and the
    annex say so). -#}
{% macro envelope_hours_basis(department_code, envelope_year, hours_source=none, basis_year=none) %}
    select hours_source, year as basis_year
    from {{ ref('int_sad_hours') }}
    where department_code = '{{ department_code }}'
        and is_year_reference
        {%- if hours_source is not none %}
        and hours_source = '{{ hours_source }}'
        {%- else %}
        and hours_source in ('fap_exports', 'fap_annex')
        {%- endif %}
        {%- if basis_year is not none %}
        and year = {{ basis_year | int }}
        {%- else %}
        and year < {{ envelope_year | int }}
        {%- endif %}
    order by case hours_source when 'fap_exports' then 0 else 1 end, year desc
    limit 1
{% endmacro %}

{#- The hours rows (int_sad_hours `hours`) an envelope (int_envelopes `envelope`) is split on:
    its source, département and basis year; for a published envelope, the hours its own annex
    prints (hours_table_id), else the year's reference hours. One join for the engine and the
    provenance of marts.envelope_allocations. -#}
{% macro envelope_hours_join(hours, envelope) -%}
    {{ hours }}.hours_source = {{ envelope }}.hours_source
    and {{ hours }}.department_code = {{ envelope }}.department_code
    and {{ hours }}.year = {{ envelope }}.basis_year
    and case
        when {{ envelope }}.hours_table_id is null then {{ hours }}.is_year_reference
        else {{ hours }}.table_id = {{ envelope }}.hours_table_id
    end
{%- endmacro %}
