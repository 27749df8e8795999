-- Budget lines of reports (kind budget_report): credits, available, proposed and printed balance.
{{ deliberation_kind_rows('budget_report',
    columns=[
        ('operation_code', 'text', false),
        ('budget_imputation', 'text', false),
        ('operation_label', 'text', false),
        ('credits_eur', 'decimal(16, 2)', false),
        ('available_eur', 'decimal(16, 2)', false),
        ('proposed_eur', 'decimal(16, 2)', false),
        ('balance_eur', 'decimal(16, 2)', false)]) }}
