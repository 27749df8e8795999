-- Totals per annex and measure of the annexes of amounts per SAD: our sums beside the printed
-- TOTAL row and the total and number of SAD the text states for the annex (figures with roles
-- table_total_eur and table_sad_count whose subject is exactly this annex).
with sums as (
    select
        department_code,
        table_id,
        measure_code,
        any_value(annex_title_fr) as annex_title_fr,
        any_value(year) as year,
        any_value(document_id) as document_id,
        count(*) as sad_count,
        sum(total_eur) as total_eur,
        sum(elderly_pa_eur) as elderly_pa_eur,
        sum(disabled_ph_eur) as disabled_ph_eur
    from {{ ref('sad_compensations') }}
    group by department_code, table_id, measure_code
),

printed as (
    select table_id, measure_code, total_eur, elderly_pa_eur, disabled_ph_eur, source_line
    from {{ ref('int_sad__compensation_amounts') }}
    where is_total
),

prose as (
    select role, subject, value, source_line
    from {{ ref('stg_deliberations__prose_figures') }}
    where role in ('table_total_eur', 'table_sad_count')
)

select
    s.department_code,
    s.table_id,
    s.annex_title_fr,
    s.measure_code,
    m.measure_label_fr,
    cast(s.year as integer) as year,
    cast(s.sad_count as integer) as sad_count,
    cast(s.total_eur as decimal(14, 2)) as total_eur,
    cast(s.elderly_pa_eur as decimal(14, 2)) as elderly_pa_eur,
    cast(s.disabled_ph_eur as decimal(14, 2)) as disabled_ph_eur,
    case when m.has_pa_ph_split then cast(
        {{ exact_ratio('s.elderly_pa_eur', 's.total_eur', 4, multiplier=100) }} as decimal(9, 4))
    end as pa_share_pct,
    p.total_eur as total_published_eur,
    case when m.has_pa_ph_split then p.elderly_pa_eur end as elderly_pa_published_eur,
    case when m.has_pa_ph_split then p.disabled_ph_eur end as disabled_ph_published_eur,
    cast(s.total_eur - p.total_eur as decimal(14, 2)) as total_delta_eur,
    s.document_id,
    cast(p.source_line as integer) as total_source_line,
    -- the text's total is the annex's main amount (the measure read from amount_eur)
    case when m.kind_column = 'amount_eur' then cast(t.value as decimal(14, 2)) end as prose_total_eur,
    case when m.kind_column = 'amount_eur' then cast(t.source_line as integer) end as prose_total_source_line,
    cast(c.value as integer) as prose_sad_count,
    cast(c.source_line as integer) as prose_sad_count_source_line
from sums as s
inner join {{ ref('compensation_measures') }} as m on m.measure_code = s.measure_code
left join printed as p on p.table_id = s.table_id and p.measure_code = s.measure_code
left join prose as t on t.role = 'table_total_eur' and t.subject = s.table_id
left join prose as c on c.role = 'table_sad_count' and c.subject = s.table_id
order by s.department_code, s.table_id, s.measure_code
