{#- A wall-clock timestamp in time zone `tz` (an IANA name) as a UTC timestamp without zone. -#}
{% macro to_utc(timestamp_expression, tz) -%}
    {%- if tz | upper == 'UTC' -%}
        {{ timestamp_expression }}
    {%- else -%}
        timezone('UTC', timezone('{{ tz }}', {{ timestamp_expression }}))
    {%- endif -%}
{%- endmacro %}
