{#- The months an incremental FAP model must (re)process: those of raw.fap_files loaded after the
    model last processed them (a new month, or a month whose file changed). None on a full build
    (and at parse time): then every month is processed. -#}
{% macro fap_months_to_process(files_relation) %}
    {% if not execute or not is_incremental() %}
        {{ return(none) }}
    {% endif %}
    {% set query %}
        select f.month
        from {{ files_relation }} as f
        left join (
            select month, max(source_loaded_at) as processed_at from {{ this }} group by month
        ) as done using (month)
        where done.processed_at is null or f.loaded_at > done.processed_at
        order by f.month
    {% endset %}
    {{ return(run_query(query).columns[0].values() | list) }}
{% endmacro %}

{#- A filter on the month column, written as literals so DuckDB skips the other months' row groups. -#}
{% macro fap_month_filter(months, column) -%}
    {%- if months is none -%}
        true
    {%- elif months | length == 0 -%}
        false
    {%- else -%}
        {{ column }} in ({% for month in months %}'{{ month }}'{{ ", " if not loop.last }}{% endfor %})
    {%- endif -%}
{%- endmacro %}
