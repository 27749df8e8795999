-- The same concept from several producers, side by side (never merged): one row per concept
-- and source figure for the home département (var department_code), with its definition, date
-- and provenance.
select
    c.concept_code,
    c.concept_label_fr,
    t.territory_code,
    t.territory_name,
    c.measure_code,
    m.measure_label,
    m.source,
    m.reference_period,
    c.definition_fr,
    m.value,
    m.unit,
    m.derivation,
    m.document_id,
    m.source_lines
from {{ ref('indicator_crosswalk_concepts') }} as c
inner join {{ ref('mart_territories') }} as t on t.territory_code = '{{ var("department_code") }}'
-- a measure no loaded document gives for the territory has no row
inner join {{ ref('int_rate_measures') }} as m
    on m.measure_code = c.measure_code
    and m.territory_code = t.territory_code
order by c.concept_code, m.source, c.measure_code
