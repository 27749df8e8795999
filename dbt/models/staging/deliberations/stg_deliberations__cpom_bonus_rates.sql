-- Hourly bonuses per quality action of CPOM models (kind cpom_bonus_rates): one row per action
-- and year printed, with the months retained and the forecast amount of that year.
{{ deliberation_kind_rows('cpom_bonus_rates',
    columns=[
        ('action_code', 'text', false),
        ('bonus_eur_per_hour', 'decimal(6, 2)', false),
        ('months', 'integer', true),
        ('amount_eur', 'decimal(14, 2)', true)]) }}
