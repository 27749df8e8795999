-- Every printed figure a reconciliation rule may name, in one shape: table cells (with their
-- table's kind and kind column), prose figures (with their role, subject and the figure they
-- repeat), and the row count of each catalogue table (a figure too: "36 SAD" is checked
-- against it). `rounding` is how far the printed figure may be from the value it stands for
-- (the policy's rounding_of); figures whose role is a contractual term are exact.
with links as (
    select table_id, source_line, count(*) as finances_links
    from {{ ref('stg_deliberations__row_links') }}
    group by table_id, source_line
),

cells as (
    select
        'cell' as figure_kind,
        c.document_id,
        c.table_id,
        c.kind,
        c.source_line,
        c.column_index,
        c.row_label,
        c.is_total,
        c.column_name,
        c.kind_column,
        -- what the cell measures: its column header, except in tables whose rows are indicators
        -- and whose columns are territories: the indicator, then the territory
        case
            when c.indicator_code is not null and starts_with(c.row_label, c.indicator_label)
                then c.indicator_label || ' — ' || c.column_header
            else c.column_header
        end as measure,
        cast(null as varchar) as figure_id,
        c.value,
        c.printed_decimals as decimals,
        c.unit,
        c.indicator_code,
        c.territory_code,
        c.reference_period,
        cast(null as varchar) as role,
        cast(null as varchar) as subject,
        cast(null as varchar) as copy_of,
        coalesce(l.finances_links, 0) as finances_links
    from {{ ref('stg_deliberations__cells') }} as c
    left join links as l on l.table_id = c.table_id and l.source_line = c.source_line
),

prose as (
    select
        'prose' as figure_kind,
        p.document_id,
        p.table_id,
        cast(null as varchar) as kind,
        p.source_line,
        0 as column_index,
        cast(null as varchar) as row_label,
        false as is_total,
        cast(null as varchar) as column_name,
        cast(null as varchar) as kind_column,
        p.label as measure,
        p.figure_id,
        p.value,
        p.printed_decimals as decimals,
        case when r.exact and p.unit = 'pct' then 'contract_pct' else p.unit end as unit,
        p.indicator_code,
        p.territory_code,
        p.reference_period,
        p.role,
        p.subject,
        p.copy_of,
        0 as finances_links
    from {{ ref('stg_deliberations__prose_figures') }} as p
    left join {{ ref('deliberation_figure_roles') }} as r on r.role = p.role
),

-- The number of (non-total) rows of each table, printed nowhere but stated by its header line:
-- attributed to the document of its first cell and to the header line.
row_counts as (
    select
        'rows' as figure_kind,
        arg_min(c.document_id, c.source_line * 1000 + c.column_index) as document_id,
        c.table_id,
        any_value(c.kind) as kind,
        any_value(t.header_line) as source_line,
        0 as column_index,
        cast(null as varchar) as row_label,
        false as is_total,
        cast(null as varchar) as column_name,
        cast(null as varchar) as kind_column,
        'nombre de lignes du tableau' as measure,
        cast(null as varchar) as figure_id,
        cast(count(distinct c.source_line) filter (where not c.is_total) as decimal(18, 4)) as value,
        0 as decimals,
        'count' as unit,
        cast(null as varchar) as indicator_code,
        cast(null as varchar) as territory_code,
        cast(null as varchar) as reference_period,
        cast(null as varchar) as role,
        cast(null as varchar) as subject,
        cast(null as varchar) as copy_of,
        0 as finances_links
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
