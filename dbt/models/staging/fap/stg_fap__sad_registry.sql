select
    sad_id,
    finess,
    department_code,
    sad_name,
    city
from {{ source('fap', 'fap_sad_registry') }}
