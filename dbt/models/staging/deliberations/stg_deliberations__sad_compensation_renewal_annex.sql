-- Annexes of grants of SAD whose CPOM is renewed (kind sad_compensation_renewal_annex): forecast,
-- already paid under the previous CPOM, still to pay and its PA / PH split.
{{ deliberation_kind_rows('sad_compensation_renewal_annex',
    parameters=[('year', 'integer')],
    columns=[
        ('sad_name', 'text', false),
        ('city', 'text', false),
        ('amount_eur', 'decimal(14, 2)', false),
        ('already_paid_eur', 'decimal(14, 2)', false),
        ('still_to_pay_eur', 'decimal(14, 2)', false),
        ('elderly_pa_eur', 'decimal(14, 2)', false),
        ('disabled_ph_eur', 'decimal(14, 2)', false)]) }}
