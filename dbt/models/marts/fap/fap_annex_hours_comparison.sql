-- FAP APA hours of the annex year against the hours printed in the annex of deliberation
-- 2025-541, per SAD and in total. The annex is meant to be the aggregate of the monthly FAP
-- statements: any difference is an error (blocking check fap_hours__engine__hours_per_sad).
-- SAD are matched on their stable sad_key (int_sad__keys: the registry's FINESS when the annex's
-- normalised name and city are in the registry); a SAD on one side only shows with the other
-- side empty.
{% set annex_year = 2024 %}  {#- the annex prints "Activité APA 2024 (sur 12 mois en heures)" -#}

with keys as (
    select * from {{ ref('int_sad__keys') }}
),

annex as (
    select a.document_id, a.source_line, a.is_total, a.city, a.sad_name, a.apa_hours_billed_2024 as annex_apa_hours, k.sad_key
    from {{ ref('stg_pdc_cp_2025_541__fap_annex') }} as a
    left join keys as k
        on k.department_code = a.department_code and k.sad_name = a.sad_name and k.city is not distinct from a.city
),

registry as (
    select r.sad_id, r.city, r.sad_name, k.sad_key
    from {{ ref('stg_fap__sad_registry') }} as r
    left join keys as k
        on k.department_code = r.department_code and k.sad_name = r.sad_name and k.city is not distinct from r.city
    where r.department_code = '62'  -- the annex is a Pas-de-Calais document (2025-541)
),

fap as (
    select yearly.sad_id, yearly.apa_hours_billed, yearly.months_reported
    from {{ ref('int_fap__sad_hours_yearly') }} as yearly
    where yearly.year = {{ annex_year }} and yearly.department_code = '62'
),

per_sad as (
    select
        annex.document_id,
        annex.source_line,
        false as is_total,
        coalesce(annex.city, registry.city) as city,
        coalesce(annex.sad_name, registry.sad_name) as sad_name,
        registry.sad_id,
        coalesce(annex.sad_key, registry.sad_key) as sad_key,
        annex.annex_apa_hours,
        fap.apa_hours_billed as fap_apa_hours,
        coalesce(fap.months_reported, 0) as fap_months_reported
    from (select * from annex
    where not is_total) as annex
    full outer join registry on registry.sad_key = annex.sad_key
    left join fap on fap.sad_id = registry.sad_id
),

total as (
    select
        annex.document_id,
        annex.source_line,
        true as is_total,
        null as city,
        annex.sad_name,
        null as sad_id,
        null as sad_key,
        annex.annex_apa_hours,
        (select sum(apa_hours_billed) from fap) as fap_apa_hours,
        (select coalesce(max(months_reported), 0) from fap) as fap_months_reported
    from annex
    where annex.is_total
),

compared as (
    select * from per_sad
    union all
    select * from total
)

select
    cast({{ annex_year }} as integer) as reference_year,
    document_id,
    cast(source_line as integer) as source_line,
    is_total,
    cast(city as varchar) as city,
    cast(sad_name as varchar) as sad_name,
    cast(sad_id as varchar) as sad_id,
    cast(annex_apa_hours as decimal(14, 2)) as annex_apa_hours,
    cast(fap_apa_hours as decimal(14, 2)) as fap_apa_hours,
    cast(coalesce(fap_apa_hours, 0) - coalesce(annex_apa_hours, 0) as decimal(14, 2)) as delta_hours,
    cast(fap_months_reported as integer) as fap_months_reported,
    coalesce(fap_apa_hours, 0) = coalesce(annex_apa_hours, 0) as matches,
    cast(sad_key as varchar) as sad_key
from compared
