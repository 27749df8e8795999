-- Commitments proposed per operation (kind budget_commitments): authorised, already committed, proposed.
{{ deliberation_kind_rows('budget_commitments',
    columns=[
        ('operation_code', 'text', false),
        ('envelope_code', 'text', false),
        ('authorised_eur', 'decimal(16, 2)', false),
        ('already_committed_eur', 'decimal(16, 2)', false),
        ('proposed_eur', 'decimal(16, 2)', false)]) }}
