-- The verdict of every check and its French explanation. passed: |delta| rounded UP to millionths
-- <= tolerance rounded DOWN to millionths (integers: no check passes by a floating-point accident;
-- Great Expectations re-judges the same integers in the Dagster checks). status: passed, failed,
-- acknowledged when raw/acknowledged_discrepancies.yml accepts the discrepancy with both figures
-- pinned as they are now (if either changes, the acknowledgement stops applying), or
-- not_evaluable when a figure is missing (never read as 0): the check fails, with its reason.
-- tolerance_share: the tolerance as a part of the printed figure; a passed check whose tolerance
-- is more than low_power_share() of it can hardly fail and says so ("contrôle peu discriminant").
with evaluations as (
    select
        *,
        published_value is not null and computed_value is not null as is_evaluable,
        {{ micro_ceil('delta') }} as abs_delta_micro,
        {{ micro_floor('tolerance') }} as tolerance_micro,
        -- shown decimals: the printed precision when the recomputed figure and the gap are exact
        -- at it (an engine's figures, sums of printed cents); a recomputed ratio that is not gets
        -- two more (at most 4) so that a rounding difference shows ("887 489,98", not "887 489,9800")
        case when check_kind = 'engine'
                  or ({{ is_exact_at('computed_value', 'coalesce(published_decimals, 0)') }}
                      and {{ is_exact_at('delta', 'coalesce(published_decimals, 0)') }})
                 then coalesce(published_decimals, 0)
             else least(coalesce(published_decimals, 0) + 2, 4) end as digits
    from {{ ref('int_reconciliation__evaluations') }}
),

register as (
    select * from {{ ref('stg_deliberations__acknowledged_discrepancies') }}
),

judged as (
    select
        e.*,
        coalesce(e.is_evaluable and e.abs_delta_micro <= e.tolerance_micro, false) as passed,
        -- an error-severity check is never acknowledged (the register refuses such an entry)
        r.check_id is not null and e.severity <> 'error'
            and e.published_value = r.published_value
            and {{ scaled_half_up('e.computed_value', 'r.computed_value_decimals') }}
                = {{ scaled_half_up('r.computed_value', 'r.computed_value_decimals') }} as pins_hold,
        r.reason, r.acknowledged_by, r.acknowledged_on
    from evaluations as e
    left join register as r using (check_id)
),

with_status as (
    select
        *,
        case when not is_evaluable then 'not_evaluable' when passed then 'passed' when pins_hold then 'acknowledged' else 'failed' end
            as status,
        {{ tolerance_share('tolerance', 'published_value') }} as tolerance_share,
        -- the figures the explanation prints, scaled once each (french_units)
        {{ scaled_half_up('published_value', 'published_decimals') }} as published_units,
        {{ scaled_half_up('computed_value', 'digits') }} as computed_units,
        {{ scaled_half_up('delta', 'digits') }} as delta_units,
        {{ scaled_half_up('tolerance', 'digits + 1') }} as tolerance_units
    from judged
),

explained as (
    select
        *,
        '« ' || measure || ' »' || coalesce(' (' || nullif(row_label, '') || ')', '')
            || ' imprimé ' || (case when published_value is null then 'vide' else {{ french_units('published_units', 'published_decimals', 'published_value') }} end)
            || ' (' || coalesce('ligne ' || source_line, 'document') || ') ; ' || computed_desc
            -- nothing computed: the description says why (the status says "Non évaluable")
            || (case when computed_value is null then '' else ' : ' || {{ french_units('computed_units', 'digits', 'computed_value') }} end)
            || (case when delta is null then '' else ' ; écart ' || {{ french_units('delta_units', 'digits', 'delta') }} end) as facts,
        'tolérance ' || (case when tolerance is null then '—' when tolerance = 0 then '0' else {{ french_units('tolerance_units', 'digits + 1', 'tolerance') }} end) || ' (' || tolerance_desc || ')' as tolerance_text
    from with_status
)

select
    suite,
    expectation,
    check_id,
    check_kind,
    document_id,
    source_line,
    table_id,
    measure,
    published_value,
    computed_value,
    delta,
    tolerance,
    severity,
    passed,
    status,
    tolerance_share,
    {{ is_low_power('passed', 'tolerance_share', 'tolerance', 'published_decimals') }} as is_low_power,
    -- what the check is about: a deliberation's printed figure, or an official publication's own
    case when document_id in (select document_id from {{ ref('stg_deliberations__documents') }})
         then 'deliberation' else 'official_publication' end as source_kind,
    abs_delta_micro,
    tolerance_micro,
    case
        when status = 'not_evaluable' then 'Non évaluable : ' || facts || '. '
            || coalesce(hint_if_failed, 'Une valeur manque : le contrôle ne peut pas être fait.')
            || case when severity = 'error' then ' Nos chiffres ne peuvent pas être comparés au document : la publication est bloquée.'
                    else ' Signalé, sans bloquer la publication.' end
        when {{ is_low_power('passed', 'tolerance_share', 'tolerance', 'published_decimals') }} then 'Cohérent (contrôle peu discriminant : la tolérance vaut '
            || {{ french_number('tolerance_share * 100', 0) }} || ' % du chiffre imprimé) : ' || facts || ', dans la '
            || tolerance_text || '.'
        when passed then 'Cohérent : ' || facts || ', dans la ' || tolerance_text || '.'
        else 'Écart : ' || facts || ', au-delà de la ' || tolerance_text || '.'
            || coalesce(' ' || hint_if_failed, '')
            || case
                when severity = 'error' and status = 'acknowledged'
                    then ' Nos chiffres diffèrent du document. Écart bloquant accepté le ' || acknowledged_on
                         || ' par ' || acknowledged_by || ' (la publication n''est plus bloquée) : ' || reason
                when check_kind = 'cross_publication' and status = 'failed'
                    then ' Un même producteur imprime deux chiffres pour la même année : la publication est bloquée '
                         || 'jusqu''à ce que l''écart soit expliqué (raw/acknowledged_discrepancies.yml).'
                when severity = 'error'
                    then ' Nos chiffres diffèrent du document : la publication est bloquée.'
                when check_kind = 'official_total'
                    then ' Le chiffre imprimé par l''éditeur ne correspond pas à ce qu''en disent d''autres chiffres de la même publication : '
                         || 'incohérence de la publication elle-même, signalée sans bloquer la publication.'
                when check_kind = 'cross_source'
                    then ' Les deux sources (ou millésimes) comparées diffèrent : signalé, sans bloquer la publication.'
                when check_kind in ('legal_ordering', 'plausible_range')
                    then ' Valeur déclarée par l''établissement, conservée telle quelle : signalée, sans bloquer la publication.'
                else ' Le document n''est pas cohérent avec lui-même : signalé, sans bloquer la publication.'
               end
            || case when severity <> 'error' and status = 'acknowledged'
                    then ' Écart connu, accepté le ' || acknowledged_on || ' par ' || acknowledged_by || ' : ' || reason
                    else '' end
    end as explanation
from explained
