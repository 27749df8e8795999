-- Envelope annexes of the BAD compensation deliberations (kind sad_envelope_annex), every year
-- loaded: one row per SAD and the TOTAL row, with the year of the hours (hours_year) and of the
-- envelope (envelope_year) the catalogue gives each table.
{{ deliberation_kind_rows('sad_envelope_annex',
    parameters=[('hours_year', 'integer'), ('envelope_year', 'integer')],
    columns=[
        ('city', 'text', false),
        ('sad_name', 'text', false),
        ('hours_billed', 'decimal(12, 2)', false),
        ('activity_share_pct', 'decimal(7, 2)', false),
        ('previous_envelope_eur', 'decimal(14, 2)', false),
        ('envelope_eur', 'decimal(14, 2)', false)]) }}
