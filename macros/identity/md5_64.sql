{#- 64 bits of the MD5 of a text: the value of DuckDB's `md5_number_lower`, computed as the top
    64 bits of `md5_number`, which is several times faster here (7 M values: 0.6 s, against
    2.7 s for `md5_number_lower`, DuckDB 1.5). -#}
{% macro md5_64(expression) -%}
    cast(md5_number({{ expression }}) >> 64 as ubigint)
{%- endmacro %}
