-- DREES aide sociale départementale, spending: printed in thousands of euros; amount_eur is
-- the printed value times 1000, rounded to the cent.
select
    *,
    cast(round(value * 1000, 2) as decimal(18, 2)) as amount_eur
from ({{ drees_cells(source('drees', 'opendata__drees_aid_spending')) }})
