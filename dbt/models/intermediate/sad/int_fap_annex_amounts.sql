-- The envelope columns of the FAP annex in long form: one row per annex row (SAD or TOTAL) and
-- envelope column, so that envelopes name their published column instead of SQL naming it.
unpivot (
    select document_id, source_line, is_total, department_code, sad_name, city, envelope_2024_eur, envelope_2025_eur
    from {{ ref('stg_pdc_cp_2025_541__fap_annex') }}
)
on envelope_2024_eur, envelope_2025_eur
into name column_name value amount_eur
