{#- One DREES publication's cells, typed: year of the column, territory (total rows named by
    what they are), measure (seed drees_measures), value as printed in DECIMAL. -#}
{% macro drees_cells(relation) %}
select
    c.publication_id,
    c.edition,
    c.source_file,
    c.sha256,
    c.sheet,
    c.source_cell,
    c.row_number as source_row,
    c.block,
    c.header as header_as_printed,
    c.territory_label,
    c.raw_value,
    cast(regexp_extract(c.header, '^(\d{4})', 1) as integer) as year,
    {{ drees_territory_code('c') }} as territory_code,
    c.territory_code = '' as is_total_row,
    nullif(c.region_code, '') as region_code_as_printed,
    coalesce(m.measure_code, lower(c.sheet)) as measure_code,
    coalesce(m.measure_label, c.table_title) as measure_label,
    coalesce(m.unit, 'beneficiaries') as unit,
    m.population_group,
    cast(try_cast(replace(c.raw_value, ' ', '') as double) as decimal(20, 6)) as value
from {{ relation }} as c
left join {{ ref('drees_measures') }} as m
  on m.publication_id = c.publication_id and m.sheet = trim(c.sheet)
{% endmacro %}

{#- The territory of a DREES row (raw cells aliased `c`): régions as R + COG code (région and
    département codes overlap: 32 is Gers and Hauts-de-France; DREES prints the DROM régions with
    their former codes 101-106), Corsica's 20A/20B (minima sociaux) as 2A/2B, total rows named by
    what they total (FRMET, DROM, FR). -#}
{% macro drees_territory_code(c) %}
    case
        when {{ c }}.territory_code <> '' and {{ c }}.block = 'regions'
            then 'R' || case when {{ c }}.territory_code like '10_' then '0' || right({{ c }}.territory_code, 1)
                             else lpad({{ c }}.territory_code, 2, '0') end
        when {{ c }}.territory_code in ('20A', '20B') then '2' || right({{ c }}.territory_code, 1)
        when {{ c }}.territory_code <> '' then {{ c }}.territory_code
        when {{ c }}.territory_label ilike '%France m%tropolitaine%' then 'FRMET'
        when {{ c }}.territory_label ilike '%DROM%' or upper(trim({{ c }}.territory_label)) = 'DOM' then 'DROM'
        when {{ c }}.territory_label ilike '%France%' then 'FR'
    end
{%- endmacro %}
