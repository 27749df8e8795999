-- DREES spending of départements' social aid (séries longues), printed in thousands of euros:
-- amount_eur is that value times 1000 rounded to the cent; value_thousand_eur as printed.
{{ aid_mart('stg_drees__aid_spending', 'cast(s.value as decimal(20, 6)) as value_thousand_eur, s.amount_eur') }}
