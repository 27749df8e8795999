-- indicateurs.html and the notebook: MDPH rights open per 1000 inhabitants, France beside the
-- département the report is about (var department_code), one row per prestation in printed
-- order, with the printed over-representation and the one recomputed from the two rates. Read
-- from the latest table of kind mdph_rights_per_1000 that prints the département (none: no row).
with tables as (
    select e.table_id
    from {{ ref('stg_deliberations__catalogue_entries') }} as e
    inner join {{ ref('stg_deliberations__documents') }} as d on d.document_id = e.document_id
    where e.kind = 'mdph_rights_per_1000'
        and e.table_id in (
            select table_id
            from {{ ref('indicator_values') }}
            where territory_code = '{{ var("department_code") }}'
        )
    qualify row_number() over (order by d.deliberation_date desc, e.table_id asc) = 1
),

v as (
    select
        split_part(indicator_code, '__', 1) as measure,
        split_part(indicator_code, '__', 2) as prestation_code,
        split_part(indicator_label, ' – ', 2) as prestation,
        *
    from {{ ref('indicator_values') }}
    where table_id in (select table_id from tables)
),

pivoted as (
    select
        prestation_code,
        any_value(prestation) as prestation,
        min(source_line) as source_line,
        any_value(document_id) as document_id,
        any_value(source) as source,
        any_value(reference_period) as reference_period,
        max(value) filter (where measure = 'mdph_rights_per_1000' and territory_code = 'FR') as per_1000_france,
        max(value) filter (where measure = 'mdph_rights_per_1000' and territory_code = '{{ var("department_code") }}') as per_1000_department,
        max(value) filter (where measure = 'mdph_rights_open' and territory_code = 'FR') as rights_open_france,
        max(value) filter (where measure = 'mdph_rights_open' and territory_code = '{{ var("department_code") }}') as rights_open_department,
        max(value) filter (where measure = 'mdph_overrepresentation') as overrepresentation_pct,
        max(printed_decimals) filter (where measure = 'mdph_rights_per_1000') as per_1000_decimals
    from v
    group by prestation_code
)

select
    prestation_code,
    prestation,
    cast('{{ var("department_code") }}' as varchar) as department_code,
    cast(source_line as integer) as source_line,
    document_id,
    source,
    reference_period,
    per_1000_france,
    per_1000_department,
    cast(per_1000_decimals as integer) as per_1000_decimals,
    rights_open_france,
    rights_open_department,
    overrepresentation_pct,
    -- (département rate / France rate − 1) × 100, exact on the printed 1-decimal rates: shows
    -- whether the printed over-representation follows from the two printed rates
    case when per_1000_france <> 0 then cast(
        {{ exact_ratio('per_1000_department - per_1000_france', 'per_1000_france', 6, multiplier=100, input_digits=4) }}
        as decimal(12, 6))
    end as overrepresentation_recomputed_pct
from pivoted
order by source_line
