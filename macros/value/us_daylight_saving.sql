{#- True when the UTC timestamp falls in US daylight saving time: from the second Sunday of
    March to the first Sunday of November (by UTC date, close enough for a browser offset). -#}
{% macro us_daylight_saving(timestamp_expression) -%}
    {%- set year = "year(" ~ timestamp_expression ~ ")" -%}
    {%- set day = "cast(" ~ timestamp_expression ~ " as date)" -%}
    (
        {{ day }} >= make_date({{ year }}, 3, 8)
            + cast((7 - dayofweek(make_date({{ year }}, 3, 8))) % 7 as integer)
        and {{ day }} < make_date({{ year }}, 11, 1)
            + cast((7 - dayofweek(make_date({{ year }}, 11, 1))) % 7 as integer)
    )
{%- endmacro %}
