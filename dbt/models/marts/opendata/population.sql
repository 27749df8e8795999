-- INSEE population estimates at 1 January, by territory, sex and age band, every edition
-- present, each value with its file, sheet and cell. age_max is null for an open band ("95 ans
-- et plus") and for the Total column (age_min 0).
select
    p.territory_code,
    t.territory_level,
    p.reference_date,
    p.age_min,
    p.age_max,
    p.sex,
    p.population,
    'INSEE' as publisher,
    p.publication_id,
    p.edition,
    p.edition = max(p.edition) over (partition by p.publication_id) as is_latest_edition,
    p.provisional,
    p.source_file,
    p.sheet,
    p.source_cell
from {{ ref('stg_insee__population') }} as p
left join {{ ref('mart_territories') }} as t using (territory_code)
where p.population is not null
