{#- Hooks around a table that every run rebuilds in full and only the project's own models
    read (identity's intermediates): DuckDB's string compression (FSST and dictionary) is
    switched off while it is written, and back on after. Writing is then about twice as
    fast, for about twice the disk. It acts on the row groups written while the table is
    built, i.e. on large tables: a small table is held until a checkpoint and compressed
    then, as usual. The setting is global to the DuckDB process, so with more than one dbt
    thread a table written alongside may be stored either way (same contents). Var
    `compress_intermediate_text` (true) keeps the compression; views and incremental tables
    are left alone; a no-op on other engines. -#}
{% macro text_compression_off() -%}
    {%- if _text_compression_applies() and not var('compress_intermediate_text') -%}
        set disabled_compression_methods = 'fsst,dictionary,dict_fsst'
    {%- else -%}
        select 1 as text_compression_kept
    {%- endif -%}
{%- endmacro %}

{% macro text_compression_on() -%}
    {%- if _text_compression_applies() -%}
        reset disabled_compression_methods
    {%- else -%}
        select 1 as text_compression_kept
    {%- endif -%}
{%- endmacro %}

{% macro _text_compression_applies() -%}
    {{ return(target.type == 'duckdb' and config.get('materialized') == 'table') }}
{%- endmacro %}
