{#- The registry entry of one raw table (see registry_tables); a compile error naming the
    table when the registry has none. -#}
{% macro registry_table(source_name, table_name) -%}
    {%- for entry in registry_tables(source_name) if entry.table == table_name -%}
        {{ return(entry) }}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error(
        "raw table " ~ source_name ~ "." ~ table_name ~ " is not in the source registry: add "
        ~ "an entry for it to macros/registry/source_registry.sql (its staging model, record "
        ~ "id, record time and identifier columns)") }}
{%- endmacro %}
