{#- Fails on every group whose values do not add up exactly to the group's expected total. -#}
{% test sums_to(model, group_by, column_name, total, where_clause='true') %}
select {{ group_by | join(', ') }}, sum({{ column_name }}) as summed, any_value({{ total }}) as expected
from {{ model }}
where {{ where_clause }}
group by {{ group_by | join(', ') }}
having count(distinct {{ total }}) <> 1 or sum({{ column_name }}) <> any_value({{ total }})
{% endtest %}
