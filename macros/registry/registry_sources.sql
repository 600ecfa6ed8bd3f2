{#- The sources (tools) of the registry, in registry order, each once. -#}
{% macro registry_sources() -%}
    {%- set sources = [] -%}
    {%- for entry in source_registry() if entry.source not in sources -%}
        {%- do sources.append(entry.source) -%}
    {%- endfor -%}
    {{ return(sources) }}
{%- endmacro %}
