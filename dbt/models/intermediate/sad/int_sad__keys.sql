-- The stable key of every home-care service (SAD) that any source names: one row per
-- (département, SAD name, city) as printed, with its sad_key. Rule (the only place it is made):
--   * the SAD is in the FAP registry (raw/fap/sad_registry.csv) under the same département and
--     the same normalised name and city: sad_key = 'FINESS-' || its FINESS number;
--   * otherwise: sad_key = département || '-' || 16 hex digits of md5(département | normalised
--     city | normalised name) (macro sad_name_key).
-- Every SAD mart carries sad_key, and marts are joined on it, never on the printed text again.
with registry as (
    select
        sad_id,
        finess,
        cast(department_code as varchar) as department_code,
        sad_name,
        city,
        {{ sad_text_norm('sad_name') }} as name_norm,
        {{ sad_text_norm('city') }} as city_norm
    from {{ ref('stg_fap__sad_registry') }}
),

-- every spelling of a SAD the sources print (registry included, so FAP marts find their key)
named as (
    select department_code, sad_name, city from {{ ref('int_sad_hours') }}
    union
    select department_code, sad_name, city from {{ ref('int_sad__envelope_annex_amounts') }}
    where not is_total
    union
    select department_code, sad_name, city from {{ ref('int_sad__compensation_amounts') }}
    where not is_total
    union
    select department_code, sad_name, city from registry
)

select
    n.department_code,
    n.sad_name,
    n.city,
    coalesce(
        'FINESS-' || r.finess,
        {{ sad_name_key('n.department_code', 'n.city', 'n.sad_name') }}
    ) as sad_key,
    case when r.finess is not null then 'finess' else 'name_hash' end as sad_key_method,
    r.sad_id,
    r.finess
from named as n
left join registry as r
    on r.department_code = n.department_code
    and r.name_norm = {{ sad_text_norm('n.sad_name') }}
    and r.city_norm = {{ sad_text_norm('n.city') }}
