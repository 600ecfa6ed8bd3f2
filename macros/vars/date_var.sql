{#- A date var's value as a SQL date literal (`date 'YYYY-MM-DD'`), or none when the var is
    null; a value that is not a real YYYY-MM-DD date stops the build, naming the var. -#}
{% macro date_var(name) -%}
    {%- set value = var(name) -%}
    {%- if value is none or value | string | trim in ['', 'none', 'None', 'null'] -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set text = value | string | trim -%}
    {%- set ns = namespace(valid=false) -%}
    {%- if modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', text) -%}
        {%- set parts = text.split('-') | map('int') | list -%}
        {%- set ns.valid = 1 <= parts[1] <= 12 and 1 <= parts[2] <= 31 -%}
        {%- if ns.valid -%}
            {%- set ns.valid = (modules.datetime.date(parts[0], parts[1], 28)
                + modules.datetime.timedelta(days=parts[2] - 28)).month == parts[1] -%}
        {%- endif -%}
    {%- endif -%}
    {%- if not ns.valid -%}
        {{ exceptions.raise_compiler_error(
            "var " ~ name ~ " must be a date written YYYY-MM-DD, not " ~ text | tojson) }}
    {%- endif -%}
    {{ return("date '" ~ text ~ "'") }}
{%- endmacro %}
