-- Quality actions of CPOM models (kind cpom_quality_actions), as printed.
{{ deliberation_kind_rows('cpom_quality_actions',
    columns=[('objective', 'text', false), ('sub_objective', 'text', false), ('actions', 'text', false)]) }}
