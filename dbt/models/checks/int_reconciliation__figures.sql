-- Every printed figure a reconciliation rule may name, in one shape: table cells, prose figures,
-- and the row count of each catalogue table (a figure too: "36 SAD" is checked against it).
-- `rounding` is how far the printed figure may be from the value it stands for (the policy's
-- rounding_of); contractual percentages are exact terms, not rounded measurements.
with cells as (
    select
        'cell' as figure_kind,
        document_id,
        table_id,
        source_line,
        column_index,
        row_label,
        is_total,
        column_name,
        -- what the cell measures: its column header, except in tables whose rows are indicators
        -- and whose columns are territories: the indicator, then the territory
        case
            when indicator_code is not null and starts_with(row_label, indicator_label)
                then indicator_label || ' — ' || column_header
            else column_header
        end as measure,
        cast(null as varchar) as figure_id,
        value,
        printed_decimals as decimals,
        unit,
        indicator_code,
        territory_code
    from {{ ref('stg_deliberations__cells') }}
),

prose as (
    select
        'prose' as figure_kind,
        document_id,
        table_id,
        source_line,
        0 as column_index,
        cast(null as varchar) as row_label,
        false as is_total,
        cast(null as varchar) as column_name,
        label as measure,
        figure_id,
        value,
        printed_decimals as decimals,
        case when figure_id in ('{{ contractual_terms() | join("', '") }}') then 'contract_pct' else unit end as unit,
        indicator_code,
        territory_code
    from {{ ref('stg_deliberations__prose_figures') }}
),

-- The number of (non-total) rows of each table, printed nowhere but stated by its header line:
-- attributed to the document of its first cell and to the header line.
row_counts as (
    select
        'rows' as figure_kind,
        arg_min(c.document_id, c.source_line * 1000 + c.column_index) as document_id,
        c.table_id,
        any_value(t.header_line) as source_line,
        0 as column_index,
        cast(null as varchar) as row_label,
        false as is_total,
        cast(null as varchar) as column_name,
        'nombre de lignes du tableau' as measure,
        cast(null as varchar) as figure_id,
        cast(count(distinct c.source_line) filter (where not c.is_total) as decimal(18, 4)) as value,
        0 as decimals,
        'count' as unit,
        cast(null as varchar) as indicator_code,
        cast(null as varchar) as territory_code
    from {{ ref('stg_deliberations__cells') }} as c
    inner join {{ ref('stg_deliberations__catalogue_entries') }} as t using (table_id)
    group by c.table_id
),

figures as (
    select * from cells
    union all by name
    select * from prose
    union all by name
    select * from row_counts
)

select
    *,
    {{ rounding_of('decimals', 'unit') }} as rounding
from figures
