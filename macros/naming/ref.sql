{#- Relations are named schema.table, without the catalog: DuckDB names the catalog after the
    file, so a view that named it would break in a copy or a renamed file. -#}
{% macro ref() -%}
    {%- set relation = builtins.ref(*varargs, **kwargs) -%}
    {%- if relation is not none and relation.include is defined -%}
        {%- do return(relation.include(database=false)) -%}
    {%- endif -%}
    {%- do return(relation) -%}
{%- endmacro %}
