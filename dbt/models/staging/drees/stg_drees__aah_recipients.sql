-- DREES minima sociaux, Tableau 1: AAH recipients at 31 December (CNAF + MSA) per département.
-- Headers such as "2015 (1)" carry a note (a break in the series); the year is their first 4 digits.
{{ drees_cells(source('drees', 'opendata__drees_minima_sociaux')) }}
