-- Every published indicator figure (table cells and prose), with its printed precision.
-- marts.indicator_values publishes it; the rate engine reads its values and precision.
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
        reference_period,
        printed_decimals
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
        reference_period,
        printed_decimals
    from {{ ref('stg_deliberations__prose_figures') }}
    where indicator_code is not null
        and value is not null
)

select * from table_figures
union all
select * from prose_figures
