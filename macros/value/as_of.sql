{#-
    The time customer value is measured at, as a SQL expression: the start (00:00 UTC) of var
    `as_of_date` when it is set, else the one row of `int_value__as_of` (the latest event).
-#}
{% macro as_of() -%}
    {%- if var('as_of_date') -%}
        cast('{{ var("as_of_date") }}' as timestamp)
    {%- else -%}
        (select as_of_at from {{ ref('int_value__as_of') }})
    {%- endif -%}
{%- endmacro %}
