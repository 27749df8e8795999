-- FAP APA hours against the hours printed in every envelope annex (kind sad_envelope_annex),
-- per SAD and in total, for each annex whose year of hours (hours_year) the monthly FAP exports
-- of its département cover. The annex is meant to be the aggregate of the monthly FAP
-- statements: any difference is an error (blocking check fap_hours__engine__hours_per_sad). An
-- annex whose year no export covers has no row here (nothing to compare it with).
-- SAD are matched on their stable sad_key (int_sad__keys: the registry's FINESS when the annex's
-- normalised name and city are in the registry); a SAD on one side only shows with the other
-- side empty.
with keys as (
    select * from {{ ref('int_sad__keys') }}
),

fap as (
    select yearly.department_code, yearly.year, yearly.sad_id, yearly.apa_hours_billed, yearly.months_reported
    from {{ ref('int_fap__sad_hours_yearly') }} as yearly
),

covered as (
    -- the annexes whose year of hours the exports of their département cover
    select distinct a.table_id, a.department_code, a.hours_year
    from {{ ref('stg_deliberations__sad_envelope_annex') }} as a
    inner join fap on fap.department_code = a.department_code and fap.year = a.hours_year
),

annex as (
    select
        a.table_id, a.hours_year, a.department_code, a.document_id, a.source_line, a.is_total, a.city, a.sad_name,
        a.hours_billed as annex_apa_hours, k.sad_key
    from {{ ref('stg_deliberations__sad_envelope_annex') }} as a
    inner join covered as c on c.table_id = a.table_id
    left join keys as k
        on k.department_code = a.department_code and k.sad_name = a.sad_name and k.city is not distinct from a.city
),

registry as (
    select c.table_id, c.hours_year, r.department_code, r.sad_id, r.city, r.sad_name, k.sad_key
    from {{ ref('stg_fap__sad_registry') }} as r
    inner join covered as c on c.department_code = r.department_code
    left join keys as k
        on k.department_code = r.department_code and k.sad_name = r.sad_name and k.city is not distinct from r.city
),

per_sad as (
    select
        coalesce(annex.table_id, registry.table_id) as table_id,
        coalesce(annex.hours_year, registry.hours_year) as reference_year,
        coalesce(annex.department_code, registry.department_code) as department_code,
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
    from (
        select *
        from annex
        where not is_total
    ) as annex
    full outer join registry on registry.sad_key = annex.sad_key and registry.table_id = annex.table_id
    left join fap
        on fap.sad_id = registry.sad_id
        and fap.year = coalesce(annex.hours_year, registry.hours_year)
        and fap.department_code = coalesce(annex.department_code, registry.department_code)
),

total as (
    select
        annex.table_id,
        annex.hours_year as reference_year,
        annex.department_code,
        annex.document_id,
        annex.source_line,
        true as is_total,
        null as city,
        annex.sad_name,
        null as sad_id,
        null as sad_key,
        annex.annex_apa_hours,
        (select sum(f.apa_hours_billed) from fap as f
            where f.department_code = annex.department_code and f.year = annex.hours_year) as fap_apa_hours,
        (select coalesce(max(f.months_reported), 0) from fap as f
            where f.department_code = annex.department_code and f.year = annex.hours_year) as fap_months_reported
    from annex
    where annex.is_total
),

compared as (
    select * from per_sad
    union all
    select * from total
)

select
    cast(reference_year as integer) as reference_year,
    table_id,
    department_code,
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
