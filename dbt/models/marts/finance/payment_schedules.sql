-- Payment schedules of the deliberations: one row per instalment, its share of the basis
-- amount, the amount we compute (half-up to the cent; the balance takes the rest, so the
-- instalments add up to the basis) beside the printed one, its condition and due date.
{%- set notified = var('mdph_notified_amount_eur', none) %}
with terms as (
    -- the schedules of the documents loaded only (the seed names documents: a deployment that
    -- does not load one has none of its schedules)
    select * from {{ ref('payment_schedule_terms') }}
    where document_id in (select document_id from {{ ref('stg_deliberations__documents') }})
),

prose as (
    select figure_id, source_line, value, text_value
    from {{ ref('stg_deliberations__prose_figures') }}
),

basis_vars as (
    -- amounts no document prints, given as dbt vars (a rule applied to a notified amount)
    {%- if notified is not none %}
    select
        'mdph_notified_amount_eur' as var_name,
        cast('{{ euro_amount(notified, "mdph_notified_amount_eur") }}' as decimal(14, 2)) as amount_eur
    {%- else %}
    select cast(null as varchar) as var_name, cast(null as decimal(14, 2)) as amount_eur
    where false
    {%- endif %}
),

printed_terms as (
    select
        t.schedule_id,
        t.instalment_number,
        string_agg(trim(l.line_text), ' ' order by l.source_line) as terms_printed
    from terms as t
    inner join {{ ref('stg_deliberations__document_lines') }} as l
        on l.document_id = t.document_id
        and l.source_line between t.terms_first_line and t.terms_last_line
    group by t.schedule_id, t.instalment_number
),

instalments as (
    select
        t.*,
        cast(coalesce(b.value, v.amount_eur) as decimal(14, 2)) as basis_eur,
        cast(b.source_line as integer) as basis_source_line,
        s.value as share_pct_printed,
        cast(s.source_line as integer) as share_source_line,
        cast(a.value as decimal(14, 2)) as amount_published_eur,
        cast(a.source_line as integer) as amount_source_line,
        d.text_value as due_text_printed,
        cast(d.source_line as integer) as due_source_line,
        p.terms_printed
    from terms as t
    left join prose as b on b.figure_id = t.basis_figure_id
    left join basis_vars as v on v.var_name = t.basis_var
    left join prose as s on s.figure_id = t.share_figure_id
    left join prose as a on a.figure_id = t.amount_figure_id
    left join prose as d on d.figure_id = t.due_figure_id
    left join printed_terms as p
        on p.schedule_id = t.schedule_id
        and p.instalment_number = t.instalment_number
),

shares as (
    select
        *,
        case when share_pct_printed is not null
            then {{ div_half_up(to_scaled('basis_eur') ~ ' * ' ~ to_scaled('share_pct_printed'), '10000') }}
        end as share_cents
    from instalments
),

amounts as (
    select
        *,
        coalesce(share_pct_printed, 100 - coalesce(sum(share_pct_printed) over (partition by schedule_id), 0)) as share_pct,
        coalesce(
            share_cents,
            {{ to_scaled('basis_eur') }} - coalesce(sum(share_cents) over (partition by schedule_id), 0)
        ) as amount_cents
    from shares
)

select
    schedule_id,
    schedule_label_fr,
    document_id,
    cast(instalment_number as integer) as instalment_number,
    instalment_label_fr,
    basis_eur,
    basis_var,
    basis_source_line,
    cast(share_pct as decimal(7, 4)) as share_pct,
    share_pct_printed is null as is_balance,
    share_source_line,
    cast({{ from_scaled('amount_cents', 2) }} as decimal(14, 2)) as amount_computed_eur,
    amount_published_eur,
    cast({{ from_scaled('amount_cents', 2) }} - amount_published_eur as decimal(14, 2)) as delta_eur,
    amount_source_line,
    condition_fr,
    due_rule_fr,
    due_text_printed,
    due_source_line,
    cast(terms_first_line as integer) as terms_first_line,
    cast(terms_last_line as integer) as terms_last_line,
    terms_printed
from amounts
order by schedule_id, instalment_number
