-- The one name every report gives a home-care service (SAD), by sad_key, whatever source its
-- row comes from (annex hours, envelope annexes, FAP registry, annexes of amounts per SAD). Rule:
--   * a federation of associations (int_sad__federations, e.g. an ADMR federation) is named
--     with its number of associations as the deliberation prints it: 'FÉDÉRATION ADMR DU ...
--     (25 associations)'; its seat would read as one service;
--   * any other SAD: 'NAME (CITY)', or NAME when no city is printed; the FAP registry's spelling
--     when the SAD is in it, else the first spelling in alphabetical order (one per key).
with keys as (
    select * from {{ ref('int_sad__keys') }}
),

federations as (
    select * from {{ ref('int_sad__federations') }}
),

spellings as (
    select
        k.sad_key,
        k.department_code,
        k.sad_name,
        k.city,
        f.associations_count,
        row_number() over (
            partition by k.sad_key order by f.associations_count is null, k.sad_id is null, k.sad_name, k.city
        ) as spelling_rank
    from keys as k
    left join federations as f on f.department_code = k.department_code and f.sad_name = k.sad_name
)

select
    sad_key,
    department_code,
    sad_name,
    city,
    associations_count is not null as is_federation,
    case
        when associations_count is not null
            then sad_name || ' (' || cast(associations_count as varchar) || ' associations)'
        when city is not null then sad_name || ' (' || city || ')'
        else sad_name
    end as sad_label
from spellings
where spelling_rank = 1
