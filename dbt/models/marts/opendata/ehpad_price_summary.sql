-- The distribution of EHPAD prices per territory and edition of CNSA's export: for the
-- permanent single-room accommodation price and each dependency tariff, the establishments
-- listed, those that declared the figure, the median, the quartiles and the first and ninth
-- deciles (DuckDB quantile_cont: linear interpolation between the two nearest values, as R's type
-- 7 or numpy's default; computed in DOUBLE, then rounded to 4 decimals, which is exact for prices
-- in cents: DuckDB's quantile of a DECIMAL(8, 2) keeps 2 decimals and would round the median of
-- two prices), for every département, région (R + code), France métropolitaine (FRMET) and
-- France (FR), and each département's rank among départements in France and in its région
-- (1 = the highest median). A territory where the file lists no establishment has no row.
{%- set measures = [
    ('price_permanent_single', 'price_permanent_single_eur'),
    ('tariff_gir_1_2', 'tariff_gir_1_2'),
    ('tariff_gir_3_4', 'tariff_gir_3_4'),
    ('tariff_gir_5_6', 'tariff_gir_5_6'),
] %}
with establishments as (
    select p.*, t.is_metropolitan
    from {{ ref('ehpad_prices') }} as p
    inner join {{ ref('mart_territories') }} as t
      on t.territory_code = p.department_code and t.territory_level = 'department'
),

-- each establishment once in each territory it belongs to
{%- set scopes = [
    ('department_code', 'true'),
    ("'R' || region_code", 'true'),
    ("'FRMET'", 'is_metropolitan'),
    ("'FR'", 'true'),
] %}
scoped as (
    {%- for territory, condition in scopes %}
    select {{ territory }} as territory_code, edition_year, finess, source_file
        {%- for code, column in measures %}, {{ column }}{% endfor %}
    from establishments
    where {{ condition }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

values_long as (
    {%- for code, column in measures %}
    select territory_code, edition_year, '{{ code }}' as measure_code, finess, {{ column }} as value, source_file
    from scoped
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

stats as (
    select
        territory_code,
        edition_year,
        measure_code,
        count(distinct finess) as establishments_listed,
        count(value) as establishments_with_value,
        quantile_cont(cast(value as double), 0.5) as median_value,
        quantile_cont(cast(value as double), 0.1) as first_decile,
        quantile_cont(cast(value as double), 0.25) as first_quartile,
        quantile_cont(cast(value as double), 0.75) as third_quartile,
        quantile_cont(cast(value as double), 0.9) as ninth_decile,
        min(value) as min_value,
        max(value) as max_value,
        any_value(source_file) as source_file
    from values_long
    group by all
),

described as (
    select s.*, t.territory_name, t.territory_level, t.region_code
    from stats as s
    inner join {{ ref('mart_territories') }} as t using (territory_code)
),

ranked as (
    select
        *,
        case when territory_level = 'department' and median_value is not null
             then rank() over (partition by edition_year, measure_code, territory_level = 'department' and median_value is not null
                               order by median_value desc) end as rank_france,
        case when territory_level = 'department' and median_value is not null
             then rank() over (partition by edition_year, measure_code, region_code,
                                            territory_level = 'department' and median_value is not null
                               order by median_value desc) end as rank_region,
        count(*) filter (where territory_level = 'department' and median_value is not null)
            over (partition by edition_year, measure_code) as departments_ranked_france,
        count(*) filter (where territory_level = 'department' and median_value is not null)
            over (partition by edition_year, measure_code, region_code) as departments_ranked_region
    from described
)

select
    territory_code,
    territory_name,
    territory_level,
    region_code,
    edition_year,
    measure_code,
    l.label_fr as measure_label,
    establishments_listed,
    establishments_with_value,
    cast(round(median_value, 4) as decimal(10, 4)) as median_eur,
    cast(round(first_decile, 4) as decimal(10, 4)) as first_decile_eur,
    cast(round(first_quartile, 4) as decimal(10, 4)) as first_quartile_eur,
    cast(round(third_quartile, 4) as decimal(10, 4)) as third_quartile_eur,
    cast(round(ninth_decile, 4) as decimal(10, 4)) as ninth_decile_eur,
    cast(min_value as decimal(8, 2)) as min_eur,
    cast(max_value as decimal(8, 2)) as max_eur,
    rank_france,
    case when rank_france is not null then departments_ranked_france end as departments_ranked_france,
    rank_region,
    case when rank_region is not null then departments_ranked_region end as departments_ranked_region,
    edition_year = max(edition_year) over () as is_latest_edition,
    source_file
from ranked
inner join {{ ref('ehpad_price_columns') }} as l on l.value_code = ranked.measure_code
