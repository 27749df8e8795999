-- Indicator tables of a territory (kind indicator_list): one row per printed indicator of every
-- such table, with the indicator code and territory the catalogue gives it.
{{ deliberation_kind_rows('indicator_list',
    columns=[('indicator_label', 'text', false), ('value', 'decimal(18, 4)', false)],
    extra=["max(c.indicator_code) as indicator_code", "max(c.territory_code) as territory_code",
           "max(c.unit) as unit", "max(c.source) as source", "max(c.reference_period) as reference_period"]) }}
