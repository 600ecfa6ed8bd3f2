{#-
    The time a business line is measured at, as a SQL expression: the start (00:00 UTC) of var
    `as_of_date` when it is set (the same for both lines), else the line's row of
    `int_value__as_of` (the latest event of the line's own data). `business_line` is
    'software' or 'retail'. Models measuring each customer at their own line's time read
    `int_value__customer_as_of` instead.
-#}
{% macro as_of(business_line) -%}
    {%- if business_line not in ['software', 'retail'] -%}
        {{ exceptions.raise_compiler_error(
            "as_of: business_line must be 'software' or 'retail', not " ~ business_line) }}
    {%- endif -%}
    {%- if date_var('as_of_date') -%}
        cast({{ date_var('as_of_date') }} as timestamp)
    {%- else -%}
        {%- set this_line = "business_line = '" ~ business_line ~ "'" -%}
        (select as_of_at from {{ ref('int_value__as_of') }} where {{ this_line }})
    {%- endif -%}
{%- endmacro %}
