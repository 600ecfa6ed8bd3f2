{#- A text as a SQL string literal: single quotes doubled, so a path, glob or var value reaches
    SQL as data, never as SQL. Every value from outside the project goes through it. -#}
{% macro sql_string(text) -%}
    '{{ text | string | replace("'", "''") }}'
{%- endmacro %}
