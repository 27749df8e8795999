-- Home-care services of the annexes of amounts per SAD (every document loaded): one row per SAD
-- and measure, with the elderly (PA) and disabled (PH) parts and the PA share.
select
    a.department_code,
    a.table_id,
    a.annex_title_fr,
    a.measure_code,
    m.measure_label_fr,
    a.year,
    a.sad_name,
    a.city,
    a.total_eur,
    -- a part printed empty or '- €' is nothing: 0 where the annex splits the amount
    case when m.has_pa_ph_split then coalesce(a.elderly_pa_eur, 0) end as elderly_pa_eur,
    case when m.has_pa_ph_split then coalesce(a.disabled_ph_eur, 0) end as disabled_ph_eur,
    case when m.has_pa_ph_split and a.total_eur <> 0 then cast(
        {{ exact_ratio('coalesce(a.elderly_pa_eur, 0)', 'a.total_eur', 4, multiplier=100) }} as decimal(9, 4))
    end as pa_share_pct,
    case when m.has_pa_ph_split then
        cast(a.total_eur - coalesce(a.elderly_pa_eur, 0) - coalesce(a.disabled_ph_eur, 0) as decimal(14, 2))
    end as parts_gap_eur,
    a.document_id,
    cast(a.source_line as integer) as source_line,
    k.sad_key
from {{ ref('int_sad__compensation_amounts') }} as a
inner join {{ ref('compensation_measures') }} as m on m.measure_code = a.measure_code
left join {{ ref('int_sad__keys') }} as k
    on k.department_code = a.department_code
    and k.sad_name = a.sad_name
    and k.city is not distinct from a.city
where not a.is_total
order by a.department_code, a.document_id, a.table_id, a.measure_code, a.source_line
