-- etablissements.html: the EHPAD of the département the reports are about (var department_code)
-- in the two latest editions of CNSA's export, by FINESS number (the file names no
-- establishment): the permanent single-room price and the GIR 1-2 tariff in each edition and
-- their change, in euros and per cent, whether the establishment is listed in both editions or in
-- one only, and the line of each record; the median change over the establishments listed in both.
with editions as (
    select edition_year, dense_rank() over (order by edition_year desc) as recency
    from (select distinct edition_year from {{ ref('ehpad_prices') }})
),

focus as (
    select p.*, e.recency
    from {{ ref('ehpad_prices') }} as p
    inner join editions as e using (edition_year)
    where p.department_code = '{{ var("department_code") }}' and e.recency <= 2
),

earlier as (
    select *
    from focus
    where recency = 2
),

later as (
    select *
    from focus
    where recency = 1
),

edition_years as (
    select
        max(edition_year) filter (where recency = 2) as earlier_edition_year,
        max(edition_year) filter (where recency = 1) as later_edition_year
    from editions
),

paired as (
    select
        coalesce(l.finess, e.finess) as finess,
        y.earlier_edition_year,
        y.later_edition_year,
        case when e.finess is not null and l.finess is not null then 'both'
             when l.finess is not null then 'later_only' else 'earlier_only' end as listed_in,
        e.price_permanent_single_eur as earlier_price_eur,
        l.price_permanent_single_eur as later_price_eur,
        l.price_permanent_single_eur - e.price_permanent_single_eur as price_change_eur,
        e.tariff_gir_1_2 as earlier_tariff_gir_1_2,
        l.tariff_gir_1_2 as later_tariff_gir_1_2,
        l.tariff_gir_1_2 - e.tariff_gir_1_2 as tariff_gir_1_2_change_eur,
        e.source_file as earlier_source_file,
        e.source_line as earlier_source_line,
        l.source_file as later_source_file,
        l.source_line as later_source_line
    from earlier as e
    full outer join later as l using (finess)
    cross join edition_years as y
)

select
    finess,
    earlier_edition_year,
    later_edition_year,
    listed_in,
    earlier_price_eur,
    later_price_eur,
    cast(price_change_eur as decimal(8, 2)) as price_change_eur,
    cast(round(100 * price_change_eur / nullif(earlier_price_eur, 0), 2) as decimal(8, 2)) as price_change_pct,
    earlier_tariff_gir_1_2,
    later_tariff_gir_1_2,
    cast(tariff_gir_1_2_change_eur as decimal(8, 2)) as tariff_gir_1_2_change_eur,
    cast(round(median(cast(price_change_eur as double)) over (), 4) as decimal(10, 4)) as median_price_change_eur,
    cast(round(median(cast(tariff_gir_1_2_change_eur as double)) over (), 4) as decimal(10, 4))
        as median_tariff_gir_1_2_change_eur,
    earlier_source_file,
    earlier_source_line,
    later_source_file,
    later_source_line
from paired
order by coalesce(later_source_line, earlier_source_line), finess
