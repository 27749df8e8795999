-- The verdict of every check and its French explanation. passed: |delta| rounded UP to millionths
-- <= tolerance rounded DOWN to millionths (integers: no check passes by a floating-point accident;
-- Great Expectations re-judges the same integers in the Dagster checks). status: passed, failed,
-- or acknowledged when raw/acknowledged_discrepancies.yml accepts the discrepancy with both figures
-- pinned as they are now (if either changes, the acknowledgement stops applying).
with evaluations as (
    select
        *,
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
        e.abs_delta_micro <= e.tolerance_micro as passed,
        r.check_id is not null
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
        case when passed then 'passed' when pins_hold then 'acknowledged' else 'failed' end as status
    from judged
),

explained as (
    select
        *,
        '« ' || measure || ' »' || coalesce(' (' || nullif(row_label, '') || ')', '')
            || ' imprimé ' || {{ french_number('published_value', 'published_decimals') }}
            || ' (' || coalesce('ligne ' || source_line, 'document') || ') ; ' || computed_desc || ' : '
            || {{ french_number('computed_value', 'digits') }} || ' ; écart ' || {{ french_number('delta', 'digits') }} as facts,
        'tolérance ' || {{ french_number('tolerance', 'digits + 1') }} || ' (' || tolerance_desc || ')' as tolerance_text
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
    abs_delta_micro,
    tolerance_micro,
    case
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
                    then ' Le total imprimé par l''éditeur ne correspond pas à la somme des lignes qu''il totalise : '
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
