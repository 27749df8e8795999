-- The coverage contract of the reconciliation: for every rule, how many evaluations what is
-- printed calls for, counted from the printed structure (catalogue tables of the rule's kind,
-- their rows and columns, the figures of a role, the official rows), independently of the check
-- models, beside how many the check models made. The Dagster check of a rule fails closed when
-- it made fewer than expected, naming what it could not evaluate; a rule that nothing printed
-- calls for (no table of its kind loaded, e.g. a département with no deliberation) expects 0.
--   total_row           a table of the kind with a TOTAL row × each rule column the table maps
--   share_of_total,
--   row_formula         each non-total row printing the published column
--   regional_aggregate  each TOTAL row printing the published column
--   implied_population  each non-total row printing a rate
--   matching_rows       each non-total row of a table of the kind in a document printing several
--   formula             each published figure of a document that prints at least one input
--   engine              each row of an envelope annex split on hours (allocation), of an annex
--                       the FAP exports cover (hours), and their TOTAL rows
--   official_total      each total the publisher prints with a value: DREES, the TOTAL rows of the
--                       département block (national_totals), each région row (regional_block), the
--                       TOTAL rows of the regional block (regional_block_totals, blocks_agree), a
--                       whole printed beside all its parts (whole_and_parts); INSEE, each total row
--                       cell (national_totals), each Ensemble cell (sexes), each Total-age cell
--                       (age_bands)
--   official_cross_source  each figure printed with an indicator the seed official_cross_source maps
--   cross_publication, legal_ordering, plausible_range  official files read whole: counted by their
--                       own models (every cell both publications print, every declaration)
-- depends_on: {{ ref('reconciliation_rules') }} {{ ref('reconciliation_suites') }} {{ ref('stg_deliberations__row_links') }}
{%- set formulas = reconciliation_rules('formula') %}
with figures as (
    select * from {{ ref('int_reconciliation__figures') }}
),

rules as (
    select r.suite, s.document_kind, r.rule_type, r.kind, r.name, r.kind || '__' || r.name as expectation,
           r.published, r.inputs
    from {{ ref('reconciliation_rules') }} as r
    inner join {{ ref('reconciliation_suites') }} as s on s.suite = r.suite
),

cells as (
    select * from figures where figure_kind = 'cell'
),

totals_printed as (
    select r.suite, r.expectation, {{ check_id('f.table_id', 'r.kind', 'f.column_name', 'f.source_line') }} as check_id
    from rules as r
    cross join unnest(string_split(r.inputs, '|')) as c (kind_column)
    inner join cells as f on f.kind = r.document_kind and f.kind_column = c.kind_column and f.is_total
    where r.rule_type = 'total_row'
),

rows_printed as (
    select r.suite, r.expectation, {{ check_id('f.table_id', 'r.kind', 'r.name', 'f.source_line') }} as check_id
    from rules as r
    inner join cells as f on f.kind = r.document_kind and f.kind_column = r.published
    where r.rule_type in ('share_of_total', 'row_formula', 'implied_population') and not f.is_total and f.value is not null
),

aggregates_printed as (
    select r.suite, r.expectation, {{ check_id('f.table_id', 'r.kind', 'r.name', 'f.source_line') }} as check_id
    from rules as r
    inner join cells as f on f.kind = r.document_kind and f.kind_column = r.published
    where r.rule_type = 'regional_aggregate' and f.is_total and f.value is not null
),

matching_printed as (
    select r.suite, r.expectation, {{ check_id('f.table_id', 'r.kind', 'r.name', 'f.source_line') }} as check_id
    from rules as r
    inner join cells as f on f.kind = r.document_kind and f.kind_column = r.published
    where r.rule_type = 'matching_rows' and not f.is_total and f.value is not null
        and (select count(distinct o.table_id) from cells as o where o.document_id = f.document_id and o.kind = f.kind) > 1
),

formulas_printed as (
{%- for rule in formulas %}
    {%- set name = sql_string(rule.name) ~ (" || '.' || p.figure_id" if published_by_figure(rule.published) else '') %}
    select {{ sql_string(rule.suite) }} as suite, {{ sql_string(rule.expectation) }} as expectation,
           {{ check_id('p.table_id', sql_string(rule.kind), name, 'p.source_line') }} as check_id
    {{ formula_rows(rule) }}
    {% if not loop.last %}union all{% endif %}
{%- else %}
    select null::varchar as suite, null::varchar as expectation, null::varchar as check_id
    where false
{%- endfor %}
),

engines_printed as (
    -- every printed row (SAD and TOTAL) of an annex whose envelope we split on its hours
    select 'envelope_allocation' as suite, 'engine__allocation_per_sad' as expectation,
           {{ check_id('f.table_id', "'engine'", "'allocation_per_sad'", 'f.source_line') }} as check_id
    from cells as f
    inner join {{ ref('int_envelopes') }} as e
        on e.table_id = f.table_id and e.envelope_kind = 'published' and f.kind_column = e.published_amount_column
    union all
    -- every row compared: the annex's rows, its TOTAL, and a SAD of the registry the annex does not print
    select 'fap_hours', 'engine__hours_per_sad',
           {{ check_id('c.table_id', "'engine'", "'hours_per_sad' || coalesce(case when c.source_line is null then '.' || c.sad_key end, '')", 'c.source_line') }}
    from {{ ref('fap_annex_hours_comparison') }} as c
),

{%- if execute and reconciliation_rules('official_total') | length == 0 %}
-- no official_total rule (a test's fixture rules): no official table read
official_totals_printed as (
    select null::varchar as suite, null::varchar as expectation, null::varchar as check_id
    where false
),
{%- else %}
drees_printed as (
{%- for suite, model in official_drees_tables() %}
    select '{{ suite }}' as suite, publication_id, edition, sheet, source_cell, block, header_as_printed,
           is_total_row, territory_code, value
    from {{ ref(model) }}
    {% if not loop.last %}union all{% endif %}
{%- endfor %}
),

insee_printed as (
    select 'official_insee_population' as suite, publication_id, edition, source_cell, territory_code, sex,
           is_total_age, population as value
    from {{ ref('stg_insee__population') }}
),

official_totals_printed as (
    select r.suite, r.expectation,
           {{ check_id("d.publication_id || '@' || d.edition", 'r.kind', 'r.name', 'null') }} || '.'
               || replace(d.source_cell, '''', '') as check_id
    from rules as r
    inner join drees_printed as d on d.suite = r.suite
    where r.rule_type = 'official_total' and d.value is not null and (
        (r.name = 'national_totals' and d.block = 'departements' and d.is_total_row)
        or (r.name = 'regional_block' and d.block = 'regions' and not d.is_total_row)
        or (r.name in ('regional_block_totals', 'blocks_agree') and d.block = 'regions' and d.is_total_row)
        or (r.name = 'whole_and_parts' and d.block = 'departements' and d.territory_code in ('20', '69') and d.value <> 0
            and (select count(*) from drees_printed as p
                 where p.suite = d.suite and p.edition = d.edition and p.sheet = d.sheet and p.block = d.block
                   and p.header_as_printed = d.header_as_printed and p.value <> 0
                   and p.territory_code in (case d.territory_code when '20' then '2A' else '69D' end,
                                            case d.territory_code when '20' then '2B' else '69M' end)) = 2)
    )
    union all
    select r.suite, r.expectation,
           {{ check_id("i.publication_id || '@' || i.edition", 'r.kind', 'r.name', 'null') }} || '.'
               || replace(i.source_cell, '''', '')
    from rules as r
    inner join insee_printed as i on i.suite = r.suite
    where r.rule_type = 'official_total' and i.value is not null and (
        (r.name = 'national_totals' and i.territory_code in ('FRMET', 'DROM', 'FR'))
        or (r.name = 'sexes' and i.sex = 'all' and i.is_total_age)
        or (r.name = 'age_bands' and i.is_total_age)
    )
),
{%- endif %}

{%- if execute and reconciliation_rules('official_cross_source') | length == 0 %}
cross_source_printed as (
    select null::varchar as suite, null::varchar as expectation, null::varchar as check_id
    where false
),
{%- else %}
cross_source_printed as (
    select r.suite, r.expectation,
           {{ check_id('f.table_id', 'r.kind', "'official_' || f.indicator_code", 'f.source_line') }} as check_id
    from rules as r
    inner join figures as f on f.figure_kind in ('cell', 'prose') and f.territory_code is not null
    inner join {{ ref('official_cross_source') }} as m on m.indicator_code = f.indicator_code
    where r.rule_type = 'official_cross_source'
),
{%- endif %}

official_printed as (
    -- the official files read whole (no printed structure to count apart): their own models' checks
    select e.suite, e.expectation, e.check_id
    from {{ ref('int_reconciliation__evaluations') }} as e
    inner join rules as r on r.suite = e.suite and r.expectation = e.expectation
    where r.rule_type in ('cross_publication', 'legal_ordering', 'plausible_range')
),

expected as (
    select * from totals_printed
    union all select * from rows_printed
    union all select * from aggregates_printed
    union all select * from matching_printed
    union all select * from formulas_printed
    union all select * from engines_printed
    union all select * from official_totals_printed
    union all select * from cross_source_printed
    union all select * from official_printed
),

evaluated as (
    select suite, expectation, count(*) as evaluated
    from {{ ref('int_reconciliation__evaluations') }}
    group by all
),

missing as (
    select x.suite, x.expectation, count(*) as missing_count,
           list(x.check_id order by x.check_id)[1:20] as missing_check_ids
    from expected as x
    anti join {{ ref('int_reconciliation__evaluations') }} as v
        on v.suite = x.suite and v.expectation = x.expectation and v.check_id = x.check_id
    group by all
),

expected_counts as (
    select suite, expectation, count(*) as expected from expected group by all
)

select
    r.suite,
    r.expectation,
    r.suite || '__' || r.expectation as check_name,
    r.rule_type,
    r.document_kind,
    cast(coalesce(x.expected, 0) as integer) as expected_evaluations,
    cast(coalesce(v.evaluated, 0) as integer) as evaluated,
    cast(coalesce(m.missing_count, 0) as integer) as missing_evaluations,
    coalesce(m.missing_check_ids, []) as missing_check_ids
from rules as r
left join expected_counts as x on x.suite = r.suite and x.expectation = r.expectation
left join evaluated as v on v.suite = r.suite and v.expectation = r.expectation
left join missing as m on m.suite = r.suite and m.expectation = r.expectation
order by r.suite, r.expectation
