{#- Fails for every non-null `column_name` that comes with more than one `value`: e.g. a
    hashed key shared by two of the values it was hashed from. -#}
{% test one_value_per_key(model, column_name, value) %}

select
    {{ column_name }},
    min({{ value }}) as first_value,
    max({{ value }}) as last_value
from {{ model }}
where {{ column_name }} is not null
group by {{ column_name }}
having min({{ value }}) <> max({{ value }})

{% endtest %}
