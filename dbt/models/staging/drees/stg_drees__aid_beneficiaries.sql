-- DREES aide sociale départementale, beneficiaries: one row per printed cell of every table of
-- every edition present, typed (macros/opendata/drees_cells.sql). APA counts are paid for the
-- month of December; most other aids are rights open at 31 December (DREES' notes).
{{ drees_cells(source('drees', 'opendata__drees_aid_beneficiaries')) }}
