{#- A customer's business line, as an aggregate over their rows of int_sales__orders (the column
    holding each order's source is `source_name`): `software` when any is a shop (EDD) order,
    else `retail` (Online Retail). The one definition: customer_activity (over the orders
    before a cutoff) and int_value__customer_as_of (over all orders, to pick the as-of time of
    the customer's line) use it. -#}
{% macro business_line(source_name) -%}
    case when bool_or({{ source_name }} = 'edd') then 'software' else 'retail' end
{%- endmacro %}
