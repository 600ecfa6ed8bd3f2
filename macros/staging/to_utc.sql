{#- A wall-clock timestamp in time zone `tz` (an IANA name, checked by time_zone_name) as a UTC
    timestamp without zone. -#}
{% macro to_utc(timestamp_expression, tz) -%}
    {%- if tz | upper == 'UTC' -%}
        {{ timestamp_expression }}
    {%- else -%}
        timezone('UTC', timezone({{ time_zone_name(tz) }}, {{ timestamp_expression }}))
    {%- endif -%}
{%- endmacro %}
