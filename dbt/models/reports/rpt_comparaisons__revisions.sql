-- comparaisons.html: the figures of the département the reports are about (var department_code)
-- that an edition revised (marts.revisions, delta <> 0), ranked by |delta| (largest first), with
-- the label and publisher of each measure, whether it is an amount in euros, the DREES sheets it
-- is read from, and how many revised figures there are in all.
with measures as (
    select publication_id, measure_code, any_value(publisher) as publisher, any_value(measure_label) as measure_label,
           false as is_amount
    from {{ ref('aid_beneficiaries') }}
    group by all
    union all
    select publication_id, measure_code, any_value(publisher), any_value(measure_label), true
    from {{ ref('aid_spending') }}
    group by all
),

publishers as (
    select distinct publication_id, publisher from {{ ref('population') }}
),

sheets as (
    select publication_id, measure_code, edition, territory_code, sheet from {{ ref('aid_beneficiaries') }}
    union all
    select publication_id, measure_code, edition, territory_code, sheet from {{ ref('aid_spending') }}
),

revised as (
    select r.*
    from {{ ref('revisions') }} as r
    where r.territory_code = '{{ var("department_code") }}' and r.delta <> 0
)

select
    r.publication,
    r.territory_code,
    r.year,
    r.measure,
    r.earlier_edition,
    r.earlier_value,
    r.later_edition,
    r.later_value,
    r.delta,
    r.delta_pct,
    coalesce(m.publisher, p.publisher) as publisher,
    m.measure_label,
    coalesce(m.is_amount, false) as is_amount,
    (
        select list(distinct s.sheet order by s.sheet)
        from sheets as s
        where s.publication_id = r.publication and s.measure_code = r.measure and s.territory_code = r.territory_code
          and s.edition in (r.earlier_edition, r.later_edition)
    ) as sheets,
    cast(row_number() over (order by abs(r.delta) desc, r.year asc, r.publication asc, r.measure asc) as integer)
        as revision_rank,
    count(*) over () as revisions_total
from revised as r
left join measures as m on m.publication_id = r.publication and m.measure_code = r.measure
left join publishers as p on p.publication_id = r.publication
order by revision_rank
