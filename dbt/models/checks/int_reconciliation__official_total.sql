-- official_total: the official tables' own arithmetic (issue 13). Every total row a publisher
-- prints is compared with the sum of the rows it totals:
--   national_totals  DREES and INSEE: France métropolitaine (FRMET) = its départements, DROM = its
--                    départements, France (FR) = FRMET + DROM as printed;
--   regional_block   DREES: each row of the regional block = the départements of that région;
--   regional_block_totals  DREES: the regional block's own total rows (France métropolitaine,
--                    DROM, France entière printed under the régions) = its régions (France =
--                    métropole + DROM as printed in that block);
--   blocks_agree     DREES: each total of the regional block = the same total of the
--                    département block (one publisher, one figure printed twice);
--   whole_and_parts  DREES: a territory printed whole and as parts, both with values (Corsica 20
--                    and 2A + 2B, the Rhône 69 and 69D + 69M): the whole = the sum of its parts;
--   sexes            INSEE, every row (départements and totals): Hommes + Femmes = Ensemble
--                    (Total column);
--   age_bands        INSEE, every row, each sex: the age bands = the Total column.
-- A territory printed both whole and as parts counts once: Corsica as 2A + 2B, or 20 when neither
-- part has a value; the Rhône as 69, or 69D + 69M when 69 has no value. A publisher's total that
-- differs from its rows is the publisher's inconsistency: a warning (severity_of), never a block.
-- Rounding is propagated: a total compared with a sum of printed totals that are themselves
-- rounded (the minima sociaux round their France rows to the hundred) gets, beside its own
-- half-unit, the half-unit of each rounded total summed. A sum with nothing in it is missing
-- (NULL): the check is not evaluable, never compared with 0.
-- document_id names the file (publication and edition), source_line its row, row_label its cell.
{#- No official_total rule (a test's fixture rules): no row, and no official table read. -#}
{%- if execute and reconciliation_rules('official_total') | length == 0 %}
{{ no_evaluation() }}
{%- else %}
{%- set drees = official_drees_tables() %}
with drees as (
{%- for suite, model in drees %}
    select '{{ suite }}' as suite, publication_id, edition, source_file, sheet, source_cell, source_row,
           block, year, header_as_printed, territory_code, territory_label, is_total_row, region_code_as_printed,
           measure_label,
           unit, value
    from {{ ref(model) }}
    {% if not loop.last %}union all{% endif %}
{%- endfor %}
),

insee as (
    select
        'official_insee_population' as suite, publication_id, edition, source_file, sheet, source_cell, source_row,
        territory_code, territory_label, group_header, header_as_printed, sex, is_total_age, age_min,
        cast(population as decimal(38, 10)) as value,
        territory_code in ('FRMET', 'DROM', 'FR') as is_total_row
    from {{ ref('stg_insee__population') }}
),

-- the département rows that count in a sum, with the area and région they add to
drees_counted as (
    select
        *,
        case when territory_code in ('971', '972', '973', '974', '976') then 'DROM' else 'FRMET' end as area,
        'R' || case when region_code_as_printed like '10_' then '0' || right(region_code_as_printed, 1)
                    else region_code_as_printed end as region_territory
    from drees
    where block = 'departements' and not is_total_row
    qualify {{ counts_once('suite, edition, sheet, header_as_printed') }}
),

drees_totals as (
    select * from drees
    where block = 'departements' and is_total_row and value is not null
),

drees_area_sums as (
    select suite, edition, sheet, header_as_printed, area, sum(value) as summed, count(value) as summed_rows
    from drees_counted
    group by all
),

drees_region_sums as (
    select suite, edition, sheet, header_as_printed, region_territory, sum(value) as summed,
           count(value) as summed_rows
    from drees_counted
    group by all
),

drees_regional as (
    select
        r.*,
        'regional_block' as rule_name,
        s.summed as computed,
        0 as rounded_inputs,
        'somme des ' || coalesce(s.summed_rows, 0) || ' départements de la région' as computed_desc,
        case when s.summed is null then 'Aucun département de la région imprimé : la ligne ne peut pas être vérifiée.' end
            as reason_missing
    from drees as r
    left join drees_region_sums as s
      on s.suite = r.suite and s.edition = r.edition and s.sheet = r.sheet
     and s.header_as_printed = r.header_as_printed and s.region_territory = r.territory_code
    where r.block = 'regions' and not r.is_total_row and r.value is not null
),

-- the regional block's own total rows against its régions, and against the département block's
region_rows as (
    select
        *,
        case when territory_code in ('R01', 'R02', 'R03', 'R04', 'R06') then 'DROM' else 'FRMET' end as area
    from drees
    where block = 'regions' and not is_total_row
),

region_totals as (
    select * from drees
    where block = 'regions' and is_total_row and value is not null
),

region_area_sums as (
    select suite, edition, sheet, header_as_printed, area, sum(value) as summed, count(value) as summed_rows
    from region_rows
    group by all
),

{#- The France métropolitaine, DROM and France rows of a block against what they total: the
    départements of the département block (national_totals), the régions of the regional block
    (regional_block_totals); France = the two printed totals, whose rounding adds to the tolerance. #}
{%- set area_checks = [
    {'cte': 'drees_national', 'rule': 'national_totals', 'totals': 'drees_totals', 'sums': 'drees_area_sums',
     'parts': 'départements imprimés', 'where': '', 'none': 'Aucun département imprimé'},
    {'cte': 'drees_regional_totals', 'rule': 'regional_block_totals', 'totals': 'region_totals', 'sums': 'region_area_sums',
     'parts': 'régions imprimées', 'where': ' sous les régions', 'none': 'Aucune région imprimée'},
] %}
{%- for area in area_checks %}
{{ area.cte }} as (
    select
        t.*,
        '{{ area.rule }}' as rule_name,
        case when t.territory_code = 'FR' then f.value + o.value else s.summed end as computed,
        case when t.territory_code = 'FR' then 2 else 0 end as rounded_inputs,
        case when t.territory_code = 'FR' then 'total France métropolitaine + total DROM imprimés{{ area.where }}'
             else 'somme des ' || coalesce(s.summed_rows, 0) || ' {{ area.parts }}' end as computed_desc,
        case
            when t.territory_code = 'FR' and o.value is null
                then 'Le total DROM{{ area.where }} n''est pas imprimé : la somme ne peut pas être faite.'
            when t.territory_code = 'FR' and f.value is null
                then 'Le total France métropolitaine{{ area.where }} n''est pas imprimé : la somme ne peut pas être faite.'
            when t.territory_code <> 'FR' and s.summed is null then '{{ area.none }} : le total ne peut pas être vérifié.'
        end as reason_missing
    from {{ area.totals }} as t
    left join {{ area.sums }} as s
      on s.suite = t.suite and s.edition = t.edition and s.sheet = t.sheet
     and s.header_as_printed = t.header_as_printed and s.area = t.territory_code
    left join {{ area.totals }} as f
      on f.suite = t.suite and f.edition = t.edition and f.sheet = t.sheet
     and f.header_as_printed = t.header_as_printed and f.territory_code = 'FRMET'
    left join {{ area.totals }} as o
      on o.suite = t.suite and o.edition = t.edition and o.sheet = t.sheet
     and o.header_as_printed = t.header_as_printed and o.territory_code = 'DROM'
),
{% endfor %}

drees_blocks as (
    select
        t.*,
        'blocks_agree' as rule_name,
        d.value as computed,
        1 as rounded_inputs,
        'le même total imprimé dans le bloc des départements (' || coalesce(d.source_cell, 'absent') || ')' as computed_desc,
        case when d.value is null then 'Le bloc des départements n''imprime pas ce total.' end as reason_missing
    from region_totals as t
    left join drees_totals as d
      on d.suite = t.suite and d.edition = t.edition and d.sheet = t.sheet
     and d.header_as_printed = t.header_as_printed and d.territory_code = t.territory_code
),

-- a territory printed whole and as parts, all with values: the whole against its parts
drees_wholes as (
    select
        w.*,
        'whole_and_parts' as rule_name,
        sum(p.value) as computed,
        0 as rounded_inputs,
        string_agg(p.territory_code, ' + ' order by p.territory_code) || ' imprimés' as computed_desc,
        cast(null as varchar) as reason_missing
    from drees as w
    inner join drees as p
      on p.suite = w.suite and p.edition = w.edition and p.sheet = w.sheet and p.block = w.block
     and p.header_as_printed = w.header_as_printed
     and list_contains(case w.territory_code when '20' then ['2A', '2B'] else ['69D', '69M'] end, p.territory_code)
    where w.block = 'departements' and w.territory_code in ('20', '69') and w.value <> 0
    group by all
    -- a part printed 0 is a part not yet filled (the years before the split), as in counts_once
    having count(p.value) filter (where p.value <> 0) = 2
),

insee_departments as (
    select *, case when territory_code like '97%' then 'DROM' else 'FRMET' end as area
    from insee
    where not is_total_row
),

insee_national_sums as (
    select
        t.suite, t.publication_id, t.edition, t.source_file, t.sheet, t.source_cell, t.source_row,
        t.territory_code, t.territory_label, t.value,
        t.group_header || ', ' || t.header_as_printed as measure_label,
        sum(p.value) filter (where p.territory_code in ('FRMET', 'DROM')) as printed_totals,
        sum(d.value) as summed,
        count(d.value) as summed_rows
    from insee as t
    left join insee_departments as d
      on t.territory_code <> 'FR' and d.source_file = t.source_file and d.sheet = t.sheet
     and regexp_extract(d.source_cell, '!([A-Z]+)', 1) = regexp_extract(t.source_cell, '!([A-Z]+)', 1)
     and d.area = t.territory_code
    left join insee as p
      on t.territory_code = 'FR' and p.source_file = t.source_file and p.sheet = t.sheet and p.is_total_row
     and regexp_extract(p.source_cell, '!([A-Z]+)', 1) = regexp_extract(t.source_cell, '!([A-Z]+)', 1)
    where t.is_total_row and t.value is not null
    group by all
),

insee_national as (
    select
        * exclude (printed_totals, summed, summed_rows),
        'national_totals' as rule_name,
        case when territory_code = 'FR' then printed_totals else summed end as computed,
        case when territory_code = 'FR' then 2 else 0 end as rounded_inputs,
        case when territory_code = 'FR' then 'total France métropolitaine + total DOM imprimés'
             else 'somme des ' || summed_rows || ' départements imprimés' end as computed_desc
    from insee_national_sums
),

insee_sexes as (
    select
        e.suite, e.publication_id, e.edition, e.source_file, e.sheet, e.source_cell, e.source_row,
        e.territory_code, e.territory_label, e.value,
        'Ensemble, ' || e.header_as_printed as measure_label,
        'sexes' as rule_name,
        sum(s.value) as computed,
        0 as rounded_inputs,
        'Hommes + Femmes de la même ligne (' || count(s.value) || ' cellules)' as computed_desc
    from insee as e
    left join insee as s
      on s.source_file = e.source_file and s.sheet = e.sheet and s.source_row = e.source_row
     and s.sex in ('male', 'female') and s.is_total_age
    where e.sex = 'all' and e.is_total_age and e.value is not null
    group by all
),

insee_bands as (
    select
        t.suite, t.publication_id, t.edition, t.source_file, t.sheet, t.source_cell, t.source_row,
        t.territory_code, t.territory_label, t.value,
        t.group_header || ', ' || t.header_as_printed as measure_label,
        'age_bands' as rule_name,
        sum(b.value) as computed,
        0 as rounded_inputs,
        'somme des ' || count(b.value) || ' tranches d''âge de la ligne' as computed_desc
    from insee as t
    left join insee as b
      on b.source_file = t.source_file and b.sheet = t.sheet and b.source_row = t.source_row
     and b.sex = t.sex and not b.is_total_age
    where t.is_total_age and t.value is not null
    group by all
),

evaluated as (
    select suite, publication_id, edition, source_file, sheet, source_cell, source_row, territory_label,
           measure_label || ', ' || header_as_printed as measure_label, value, rule_name, computed, computed_desc,
           case when suite = 'official_drees_aah' then 'rounded_hundreds' else unit end as unit,
           rounded_inputs, reason_missing
    from drees_national
    {%- for part in ['drees_regional', 'drees_regional_totals', 'drees_blocks', 'drees_wholes'] %}
    union all
    select suite, publication_id, edition, source_file, sheet, source_cell, source_row, territory_label,
           measure_label || ', ' || header_as_printed, value, rule_name, computed, computed_desc, unit,
           rounded_inputs, reason_missing
    from {{ part }}
    {%- endfor %}
    {%- for part in ['insee_national', 'insee_sexes', 'insee_bands'] %}
    union all
    select suite, publication_id, edition, source_file, sheet, source_cell, source_row, territory_label,
           'Population au 1er janvier ' || sheet || ' (' || measure_label || ')', value, rule_name, computed,
           computed_desc, 'persons', rounded_inputs,
           case when computed is null then 'Aucune ligne additionnée : le total ne peut pas être vérifié.' end
    from {{ part }}
    {%- endfor %}
),

rules as (
    select suite, name, expectation, kind from ({{ reconciliation_rules_of_type('official_total') }}) as r
),

checks as (
select
    e.suite,
    rules.expectation,
    {{ check_id("e.publication_id || '@' || e.edition", 'rules.kind', 'rules.name', 'null') }} || '.' || replace(e.source_cell, '''', '') as check_id,
    rules.kind as check_kind,
    e.publication_id || ' ' || e.edition as document_id,
    e.source_row as source_line,
    e.sheet as table_id,
    e.measure_label as measure,
    trim(e.territory_label) || ', ' || e.source_file || ', ' || e.source_cell as row_label,
    e.value as published_value,
    -- spending is printed in thousands of euros with its full binary precision: judged to the
    -- euro; the minima sociaux print their France rows rounded to the hundred (593 900)
    case e.unit when 'thousand_eur' then 3 else 0 end as published_decimals,
    e.computed as computed_value,
    -- the printed total's half-unit, plus that of each rounded printed total it is compared with
    cast(case e.unit when 'thousand_eur' then 0.0005 when 'rounded_hundreds' then 50 else 0.5 end
         * (1 + case when e.unit = 'rounded_hundreds' then e.rounded_inputs else 0 end) as decimal(38, 10)) as tolerance,
    e.computed_desc,
    case
        when e.unit = 'rounded_hundreds' and e.rounded_inputs > 0
            then (1 + e.rounded_inputs) || ' demi-centaines : ce total et les ' || e.rounded_inputs
                 || ' totaux additionnés sont arrondis à la centaine par la DREES'
        when e.unit = 'thousand_eur' then 'un demi-euro (valeurs imprimées en milliers d''euros, non arrondies)'
        when e.unit = 'rounded_hundreds' then 'une demi-centaine : la DREES arrondit ces totaux à la centaine'
        else 'une demi-unité (effectifs entiers)'
    end as tolerance_desc,
    e.reason_missing as hint_if_failed
from evaluated as e
inner join rules on rules.suite = e.suite and rules.name = e.rule_name
)

select
    {{ evaluation_columns() }}
from checks
{%- endif %}
