-- One row per published indicator figure: every number of the indicator tables and every
-- indicator printed in prose, with the document and line it was read from.
with table_figures as (
    select
        document_id,
        source_line,
        table_id,
        territory_code,
        indicator_code,
        indicator_label,
        value,
        unit,
        source,
        reference_period
    from {{ ref('stg_deliberations__cells') }}
    where indicator_code is not null
        and value is not null
),

prose_figures as (
    select
        document_id,
        source_line,
        table_id,
        territory_code,
        indicator_code,
        label as indicator_label,
        value,
        unit,
        source,
        reference_period
    from {{ ref('stg_deliberations__prose_figures') }}
    where indicator_code is not null
        and value is not null
),

figures as (
    select * from table_figures
    union all
    select * from prose_figures
)

select
    f.document_id,
    cast(f.source_line as integer) as source_line,
    f.table_id,
    f.territory_code,
    t.territory_name,
    f.indicator_code,
    f.indicator_label,
    cast(f.value as decimal(18, 4)) as value,
    f.unit,
    f.source,
    f.reference_period
from figures as f
left join {{ ref('territories') }} as t
    on t.territory_code = f.territory_code
order by f.document_id, f.source_line, f.indicator_code, f.territory_code
