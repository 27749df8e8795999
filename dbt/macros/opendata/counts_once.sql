{#- True for the rows of a DREES table that count in a sum, so that no territory counts twice:
    a whole (20 Corsica, 69 Rhône) counts unless both its parts (2A and 2B; 69D and 69M) have a
    non-zero value, and then the parts count instead. DREES prints the parts empty or 0 when it
    gives the whole only, and whole and parts together (20 = 2A + 2B) in other years.
    `partition`: the columns of one printed column of one table. -#}
{% macro counts_once(partition) -%}
    case
        when territory_code in ('2A', '2B', '20')
            then (count(*) filter (where territory_code in ('2A', '2B') and value <> 0) over (partition by {{ partition }}) = 2)
                 = (territory_code <> '20')
        when territory_code in ('69D', '69M', '69')
            then (count(*) filter (where territory_code in ('69D', '69M') and value <> 0) over (partition by {{ partition }}) = 2)
                 = (territory_code <> '69')
        else true
    end
{%- endmacro %}
