-- compensations.html: every row (SAD and printed TOTAL) of the annexes of amounts per SAD whose
-- amounts are split between older people (PA) and people with disabilities (PH), every document
-- loaded: the sad_compensation_annex tables, and the renewal annexes (where the split is printed
-- for the amount still to pay, so amount_eur is that amount there). The split is also given as
-- the headline states it: a part printed empty counts 0, the total is the printed one (else
-- PA + PH), and the PH share of it. is_home_department flags the annexes of the département
-- the reports are about (var department_code).
with rows as (
    select
        a.table_id,
        a.annex_title_fr,
        a.measure_code,
        m.measure_label_fr,
        a.year,
        a.department_code,
        a.document_id,
        cast(a.source_line as integer) as source_line,
        a.printed_row,
        a.is_total,
        a.sad_name,
        a.city,
        a.total_eur as amount_eur,
        a.elderly_pa_eur,
        a.disabled_ph_eur,
        coalesce(a.total_eur, coalesce(a.elderly_pa_eur, 0) + coalesce(a.disabled_ph_eur, 0)) as split_total_eur
    from {{ ref('int_sad__compensation_amounts') }} as a
    inner join {{ ref('compensation_measures') }} as m on m.measure_code = a.measure_code
    where m.has_pa_ph_split
),

entries as (
    select table_id, header_line from {{ ref('stg_deliberations__catalogue_entries') }}
)

select
    r.table_id,
    r.annex_title_fr,
    cast(dense_rank() over (order by r.document_id, e.header_line) as integer) as annex_order,
    r.measure_code,
    r.measure_label_fr,
    r.year,
    cast(r.year as varchar) as reference_period,
    r.department_code,
    t.territory_name as department_name,
    r.department_code = '{{ var("department_code") }}' as is_home_department,
    r.document_id,
    r.source_line,
    r.printed_row,
    r.is_total,
    k.sad_key,
    r.sad_name,
    r.city,
    -- a TOTAL row has no SAD: its printed name
    coalesce(l.sad_label, r.sad_name) as sad_label,
    cast(r.amount_eur as decimal(14, 2)) as amount_eur,
    cast(r.elderly_pa_eur as decimal(14, 2)) as elderly_pa_eur,
    cast(r.disabled_ph_eur as decimal(14, 2)) as disabled_ph_eur,
    cast(r.split_total_eur as decimal(14, 2)) as split_total_eur,
    cast(coalesce(r.elderly_pa_eur, 0) as decimal(14, 2)) as split_pa_eur,
    cast(coalesce(r.disabled_ph_eur, 0) as decimal(14, 2)) as split_ph_eur,
    case when r.split_total_eur <> 0 then cast(
        {{ exact_ratio('coalesce(r.disabled_ph_eur, 0)', 'r.split_total_eur', 10, multiplier=100) }} as decimal(16, 10))
    end as ph_share_pct,
    -- the per-SAD chart's order: largest amount first (TOTAL rows are not ranked)
    case when not r.is_total then cast(row_number() over (
        partition by r.table_id, r.is_total order by r.amount_eur desc nulls last, r.source_line asc
    ) as integer) end as amount_rank
from rows as r
inner join entries as e on e.table_id = r.table_id
left join {{ ref('int_sad__keys') }} as k
    on not r.is_total
    and k.department_code = r.department_code and k.sad_name = r.sad_name and k.city is not distinct from r.city
left join {{ ref('int_sad__labels') }} as l on l.sad_key = k.sad_key
left join {{ ref('mart_territories') }} as t on t.territory_code = r.department_code
order by annex_order, r.is_total, r.source_line
