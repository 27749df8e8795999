-- engine: our engines' figures against the printed figures they must reproduce, to the printed
-- precision (tolerance half a unit of the printed cent / hundredth of an hour). Error severity:
-- when they differ, OUR figures are wrong and publishing is blocked.
--   envelope_allocation: our allocation of each published envelope (marts.envelope_allocations)
--     per SAD and in total, against the amounts printed in its envelope annex (kind
--     sad_envelope_annex, column envelope_eur);
--   fap_hours: the APA hours we sum from the monthly FAP exports (marts.fap_annex_hours_comparison)
--     against the hours each annex prints, for the annexes whose year the exports cover. When the loaded FAP months are the synthetic sample
--     (generated from the annex), agreement holds by construction and the explanation says so.
with printed as (
    select f.city, f.sad_name, f.is_total, c.document_id, c.source_line, c.table_id,
           c.column_header, c.printed_decimals, c.kind_column, c.value
    from {{ ref('stg_deliberations__sad_envelope_annex') }} as f
    inner join {{ ref('stg_deliberations__cells') }} as c
      on c.table_id = f.table_id and c.source_line = f.source_line
),

-- the envelopes we split on hours, with the annex column printing their amounts
split_envelopes as (
    select envelope_id, table_id, published_amount_column
    from {{ ref('int_envelopes') }}
    where envelope_kind = 'published'
),

allocated as (
    select a.*, e.table_id, e.published_amount_column
    from {{ ref('envelope_allocations') }} as a
    inner join split_envelopes as e on e.envelope_id = a.envelope_id
    where a.hours_basis is not null
),

-- every printed row of the annex (each SAD and the TOTAL): a row our split gives no amount for
-- is not evaluable, never compared with zero
allocated_totals as (
    select envelope_id, sum(amount_computed_eur) as amount_computed_eur
    from allocated
    group by envelope_id
),

allocation_per_sad as (
    select p.value as published_value, a.amount_computed_eur as computed_value,
           p.document_id, p.source_line, p.table_id, p.column_header as measure,
           coalesce(p.city || ' / ', '') || p.sad_name as row_label, p.printed_decimals
    from printed as p
    inner join split_envelopes as e on e.table_id = p.table_id and p.kind_column = e.published_amount_column
    left join allocated as a on a.envelope_id = e.envelope_id and a.city is not distinct from p.city and a.sad_name = p.sad_name
    where not p.is_total
    union all
    -- our total against the printed TOTAL row
    select p.value, t.amount_computed_eur,
           p.document_id, p.source_line, p.table_id, p.column_header, 'TOTAL', p.printed_decimals
    from printed as p
    inner join split_envelopes as e on e.table_id = p.table_id and p.kind_column = e.published_amount_column
    left join allocated_totals as t on t.envelope_id = e.envelope_id
    where p.is_total
),

table_documents as (
    select distinct table_id, document_id
    from {{ ref('stg_deliberations__cells') }}
),

synthetic_fap as (
    select year, bool_or(synthetic) as synthetic
    from {{ ref('stg_fap__files') }}
    group by year
),

-- every row compared: the annex's SAD and TOTAL, and a SAD of the registry the annex does not
-- print (no line: not evaluable, named by its key)
hours_per_sad as (
    select f.annex_apa_hours as published_value, f.fap_apa_hours as computed_value,
           coalesce(f.document_id, d.document_id) as document_id, f.source_line, f.table_id,
           coalesce(c.column_header, 'heures APA') as measure,
           coalesce(f.city || ' / ', '') || f.sad_name as row_label, coalesce(c.printed_decimals, 2) as printed_decimals,
           coalesce(s.synthetic, false) as synthetic, f.sad_key
    from {{ ref('fap_annex_hours_comparison') }} as f
    left join {{ ref('stg_deliberations__cells') }} as c
      on c.table_id = f.table_id and c.source_line = f.source_line and c.kind_column = 'hours_billed'
    left join table_documents as d on d.table_id = f.table_id
    left join synthetic_fap as s on s.year = f.reference_year
),

comparisons as (
    select 'envelope_allocation' as suite, 'allocation_per_sad' as name, *, false as synthetic
    from allocation_per_sad
    union all by name
    select 'fap_hours' as suite, 'hours_per_sad' as name, *
    from hours_per_sad
),

-- what each engine computes, in French, as the rule list words it
described as (
    select c.*, r.formula_desc as computed_desc
    from comparisons as c
    inner join {{ ref('reconciliation_rules') }} as r on r.suite = c.suite and r.name = c.name and r.rule_type = 'engine'
),

evaluated as (
    select
        suite,
        'engine__' || name as expectation,
        {{ check_id('table_id', "'engine'", "name || coalesce(case when source_line is null then '.' || sad_key end, '')", 'source_line') }} as check_id,
        'engine' as check_kind,
        document_id,
        source_line,
        table_id,
        measure,
        row_label,
        cast(published_value as decimal(38, 10)) as published_value,
        printed_decimals as published_decimals,
        -- no value of ours for a printed row: missing, not evaluable, never compared with zero
        cast(computed_value as decimal(38, 10)) as computed_value,
        -- euros and hours are exact: our figures must equal the printed ones
        cast(0 as decimal(38, 10)) as tolerance,
        computed_desc || case when synthetic then ' (données FAP synthétiques : concordance par construction)' else '' end as computed_desc,
        {{ describe_tolerance("'engine'", 'printed_decimals', tolerance='0') }} as tolerance_desc,
        case
            when published_value is null then 'L''annexe n''imprime pas ce SAD, que les exports FAP facturent.'
            when computed_value is null then 'Notre calcul ne produit aucune valeur pour cette ligne.'
        end as hint_if_failed
    from described
)

select
    {{ evaluation_columns() }}
from evaluated
