-- Adults' indicators per département of a région (kind regional_adult_indicators): one row per
-- département and the Total général row (territory_code: the région, R + its code).
{{ deliberation_kind_rows('regional_adult_indicators',
    columns=[
        ('department_name', 'text', false),
        ('pop_20_59', 'bigint', false),
        ('pop_20_59_regional_share_pct', 'decimal(7, 2)', false),
        ('pop_60plus', 'bigint', false),
        ('pop_60plus_regional_share_pct', 'decimal(7, 2)', false),
        ('aah_rate_pct', 'decimal(7, 2)', false),
        ('drl_adults_eur', 'decimal(14, 2)', false),
        ('drl_adults_regional_share_pct', 'decimal(7, 2)', false),
        ('drl_adults_eur_per_inhabitant_20plus', 'decimal(10, 2)', false)],
    extra=["max(c.territory_code) as territory_code"]) }}
