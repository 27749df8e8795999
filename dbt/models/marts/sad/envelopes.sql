-- One row per envelope: where its amount comes from, and how the split adds up.
with allocations as (
    select
        envelope_id,
        count(*) as sad_count,
        sum(hours_basis) as hours_total,
        sum(amount_computed_eur) as allocated_computed_eur,
        sum(amount_published_eur) as allocated_published_eur,
        count(amount_computed_eur) filter (where delta_eur = 0) as rows_matching_published,
        count(amount_computed_eur) filter (where delta_eur <> 0) as rows_differing_from_published
    from {{ ref('envelope_allocations') }}
    group by envelope_id
),

adjustments as (
    select envelope_id, sum(abs(cents_adjusted)) as cents_adjusted
    from {{ ref('int_envelope_allocations') }}
    group by envelope_id
),

annex_totals as (
    select * from {{ ref('int_sad__envelope_annex_amounts') }}
    where is_total
)

select
    e.envelope_id,
    e.envelope_kind,
    e.department_code,
    cast(e.year as integer) as year,
    cast(e.basis_year as integer) as basis_year,
    e.hours_source,
    e.envelope_eur,
    e.amount_document_id,
    e.amount_source_line,
    cast(a.sad_count as integer) as sad_count,
    cast(a.hours_total as decimal(14, 2)) as hours_total,
    cast(a.allocated_computed_eur as decimal(14, 2)) as allocated_computed_eur,
    cast(a.allocated_published_eur as decimal(14, 2)) as allocated_published_eur,
    cast(t.amount_eur as decimal(14, 2)) as published_total_eur,
    cast(t.source_line as integer) as published_total_source_line,
    cast(coalesce(j.cents_adjusted, 0) as integer) as cents_adjusted,
    cast(a.rows_matching_published as integer) as rows_matching_published,
    cast(a.rows_differing_from_published as integer) as rows_differing_from_published,
    e.description_fr
from {{ ref('int_envelopes') }} as e
left join allocations as a on a.envelope_id = e.envelope_id
left join adjustments as j on j.envelope_id = e.envelope_id
left join annex_totals as t on t.table_id = e.table_id and t.column_name = e.published_amount_column
order by e.year, e.envelope_id
