-- Annexes of amounts per SAD split between older people (PA) and people with disabilities (PH)
-- (kind sad_compensation_annex): one row per SAD and the TOTAL row, with the measure and year
-- the catalogue gives each table.
{{ deliberation_kind_rows('sad_compensation_annex',
    parameters=[('year', 'integer'), ('measure_code', 'varchar')],
    columns=[
        ('sad_name', 'text', false),
        ('city', 'text', false),
        ('amount_eur', 'decimal(14, 2)', false),
        ('elderly_pa_eur', 'decimal(14, 2)', false),
        ('disabled_ph_eur', 'decimal(14, 2)', false)]) }}
