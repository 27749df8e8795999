-- Every official figure present in two editions of the same publication: the earlier and the
-- later value and their difference (DREES revises its séries longues between editions).
with figures as (
    select 'drees_aid_beneficiaries' as publication, territory_code, year, measure_code as measure, edition, value
    from {{ ref('stg_drees__aid_beneficiaries') }}
    where value is not null and territory_code is not null and block = 'departements'
    union all
    select 'drees_aid_spending', territory_code, year, measure_code, edition, amount_eur
    from {{ ref('stg_drees__aid_spending') }}
    where value is not null and territory_code is not null and block = 'departements'
    union all
    select publication_id, territory_code, year(reference_date), sex || ':' || age_min || '-' || coalesce(cast(age_max as varchar), '+'),
           edition, population
    from {{ ref('stg_insee__population') }}
    where population is not null
),

paired as (
    select
        e.publication, e.territory_code, e.year, e.measure,
        e.edition as earlier_edition, e.value as earlier_value,
        l.edition as later_edition, l.value as later_value
    from figures as e
    inner join figures as l
      on l.publication = e.publication and l.territory_code = e.territory_code and l.year = e.year
     and l.measure = e.measure and l.edition > e.edition
)

select
    publication,
    territory_code,
    year,
    measure,
    earlier_edition,
    cast(earlier_value as decimal(18, 2)) as earlier_value,
    later_edition,
    cast(later_value as decimal(18, 2)) as later_value,
    cast(later_value - earlier_value as decimal(18, 2)) as delta,
    cast(round(100.0 * (later_value - earlier_value) / nullif(earlier_value, 0), 4) as decimal(12, 4)) as delta_pct
from paired
