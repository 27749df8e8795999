-- CNSA's export of the prices EHPAD declare, one row per establishment (FINESS) and edition,
-- typed: euros per day as DECIMAL(8, 2) (the loader accepted a decimal comma or point and at most
-- two decimals, and made the missing-value markers NULL), DATE_MAJ as a timestamp. The
-- département comes from the FINESS number: its first two characters (2A, 2B for Corsica), but
-- overseas numbers begin 9701-9704 for Guadeloupe, Martinique, Guyane and La Réunion (971-974),
-- where the département is not a prefix.
{%- set euros = {
    'prixhebpermcs': 'price_permanent_single_eur',
    'prixhebpermcd': 'price_permanent_double_eur',
    'prixhebpermcsa': 'price_permanent_single_social_aid_eur',
    'prixhebpermcda': 'price_permanent_double_social_aid_eur',
    'prixhebtempcs': 'price_temporary_single_eur',
    'prixhebtempcd': 'price_temporary_double_eur',
    'prixhebtempcsa': 'price_temporary_single_social_aid_eur',
    'prixhebtempcda': 'price_temporary_double_social_aid_eur',
    'tarif_gir_12': 'tariff_gir_1_2',
    'tarif_gir_34': 'tariff_gir_3_4',
    'tarif_gir_56': 'tariff_gir_5_6',
} %}
select
    p.finesset as finess,
    cast(p.edition as integer) as edition_year,
    p.edition,
    case when p.finesset like '970%' then '97' || substr(p.finesset, 4, 1) else left(p.finesset, 2) end as department_code,
    {%- for column, name in euros.items() %}
    cast(replace(p.{{ column }}, ',', '.') as decimal(8, 2)) as {{ name }},
    {%- endfor %}
    cast(p.date_maj as timestamp) as updated_at,
    p.publication_id,
    p.source_file,
    p.sha256,
    p.source_line,
    p.encoding
from {{ source('cnsa', 'opendata__cnsa_ehpad_prices') }} as p
