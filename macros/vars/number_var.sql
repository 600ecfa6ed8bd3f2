{#- A numeric var's value, as SQL: the var must hold a number (an int or a decimal, e.g. 10 or
    0.25); anything else stops the build, naming the var and the value. -#}
{% macro number_var(name) -%}
    {%- set value = var(name) -%}
    {%- if value is number and value is not boolean -%}
        {{ return(value | string) }}
    {%- endif -%}
    {%- set text = value | string | trim -%}
    {%- if not modules.re.fullmatch('-?[0-9]+(\\.[0-9]+)?', text) -%}
        {{ exceptions.raise_compiler_error(
            "var " ~ name ~ " must be a number, not " ~ text | tojson) }}
    {%- endif -%}
    {{ return(text) }}
{%- endmacro %}
