{#- Fails for every combination of `columns` that occurs more than once (nulls count as
    equal, as in a group by). -#}
{% test unique_combination(model, columns) %}

{%- set named = {} -%}
{%- for column in columns -%}
    {%- do named.update({column: column}) -%}
{%- endfor -%}
{{ repeated_combinations(model, named) }}

{% endtest %}
