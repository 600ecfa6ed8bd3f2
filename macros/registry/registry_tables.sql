{#- The registry's entries, of one source when `source_name` is given; each entry gains the
    names of its base model and of its source's quarantine model. -#}
{% macro registry_tables(source_name=none) -%}
    {%- set entries = [] -%}
    {%- for entry in source_registry()
        if source_name is none or entry.source == source_name -%}
        {%- set full = {} -%}
        {%- do full.update(entry) -%}
        {%- do full.update({
            'base_model': 'base_' ~ entry.source ~ '__' ~ entry.table,
            'quarantine_model': 'stg_' ~ entry.source ~ '__quarantine',
        }) -%}
        {%- do entries.append(full) -%}
    {%- endfor -%}
    {{ return(entries) }}
{%- endmacro %}
