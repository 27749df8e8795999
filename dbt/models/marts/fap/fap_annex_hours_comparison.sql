-- FAP APA hours of the annex year against the hours printed in the annex of deliberation
-- 2025-541, per SAD and in total. The annex is meant to be the aggregate of the monthly FAP
-- statements: any difference is an error (blocking check fap_hours__engine__hours_per_sad).
-- SAD are matched on (city, SAD name) through the registry; a SAD on one side only shows
-- with the other side empty.
{% set annex_year = 2024 %}  {#- the annex prints "Activité APA 2024 (sur 12 mois en heures)" -#}

with annex as (
    select document_id, source_line, is_total, city, sad_name, apa_hours_billed_2024 as annex_apa_hours
    from {{ ref('stg_pdc_cp_2025_541__fap_annex') }}
),

registry as (
    select sad_id, city, sad_name
    from {{ ref('stg_fap__sad_registry') }}
    where department_code = '62'
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
        annex.annex_apa_hours,
        fap.apa_hours_billed as fap_apa_hours,
        coalesce(fap.months_reported, 0) as fap_months_reported
    from (select * from annex where not is_total) as annex
    full outer join registry on registry.city = annex.city and registry.sad_name = annex.sad_name
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
    coalesce(fap_apa_hours, 0) = coalesce(annex_apa_hours, 0) as matches
from compared
