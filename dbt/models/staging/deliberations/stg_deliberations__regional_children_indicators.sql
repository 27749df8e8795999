-- Children's indicators per département of a région (kind regional_children_indicators): one
-- row per département and the Total général row (territory_code: the région, R + its code).
{{ deliberation_kind_rows('regional_children_indicators',
    columns=[
        ('department_name', 'text', false),
        ('pop_0_19', 'bigint', false),
        ('pop_0_19_regional_share_pct', 'decimal(7, 2)', false),
        ('pop_0_6', 'bigint', false),
        ('pop_0_6_regional_share_pct', 'decimal(7, 2)', false),
        ('aeeh_allocataires_0_19', 'bigint', false),
        ('aeeh_rate_0_19_pct', 'decimal(7, 2)', false),
        ('drl_children_eur', 'decimal(14, 2)', false),
        ('drl_children_regional_share_pct', 'decimal(7, 2)', false),
        ('drl_children_eur_per_inhabitant_0_19', 'decimal(10, 2)', false),
        ('drl_children_eur_per_aeeh_allocataire', 'decimal(10, 2)', false),
        ('ase_children', 'bigint', false),
        ('ase_children_regional_share_pct', 'decimal(7, 2)', false)],
    extra=["max(c.territory_code) as territory_code"]) }}
