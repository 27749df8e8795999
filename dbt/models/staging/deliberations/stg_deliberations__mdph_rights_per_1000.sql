-- MDPH rights open per 1000 inhabitants, France and a département (kind mdph_rights_per_1000):
-- one row per right, under its printed section (public).
{{ deliberation_kind_rows('mdph_rights_per_1000',
    columns=[
        ('prestation', 'text', false),
        ('rights_open_france', 'bigint', false),
        ('rights_per_1000_france', 'decimal(9, 2)', false),
        ('rights_open_department', 'bigint', false),
        ('rights_per_1000_department', 'decimal(9, 2)', false),
        ('overrepresentation_pct', 'decimal(7, 2)', false)],
    extra=["split_part(max(c.indicator_code) filter (where c.kind_column = 'rights_open_france'), '__', 2) as prestation_code",
           "max(c.territory_code) filter (where c.kind_column = 'rights_open_department') as territory_code"]) }}
