{#- marts.aid_beneficiaries / marts.aid_spending: the DREES figures with their territory level,
    edition and provenance; `value_column` is the measured value. -#}
{% macro aid_mart(staging, value_columns) %}
select
    s.territory_code,
    coalesce(t.territory_level, 'unknown') as territory_level,
    s.year,
    s.measure_code,
    s.measure_label,
    {{ value_columns }},
    'DREES' as publisher,
    s.publication_id,
    s.edition,
    s.edition = max(s.edition) over (partition by s.publication_id) as is_latest_edition,
    s.block = 'regions' as from_regional_block,
    s.source_file,
    s.sheet,
    s.source_cell
from {{ ref(staging) }} as s
left join {{ ref('mart_territories') }} as t using (territory_code)
where s.value is not null and s.territory_code is not null
{% endmacro %}
