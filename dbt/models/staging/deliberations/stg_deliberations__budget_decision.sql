-- Budget lines of deliberations' decisions (kind budget_decision): credits and the expense decided.
{{ deliberation_kind_rows('budget_decision',
    columns=[
        ('operation_code', 'text', false),
        ('budget_imputation', 'text', false),
        ('operation_label', 'text', false),
        ('credits_eur', 'decimal(16, 2)', false),
        ('expense_eur', 'decimal(16, 2)', false)]) }}
