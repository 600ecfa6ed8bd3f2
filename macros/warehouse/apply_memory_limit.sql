{#- Run at the start of every dbt invocation (on-run-start): caps DuckDB's memory at the
    env var HVC_MEMORY_LIMIT (e.g. '4GiB') when it is set, so large builds spill to disk instead
    of taking 80 % of the machine (DuckDB's default). A no-op otherwise and on other engines. -#}
{% macro apply_memory_limit() -%}
    {%- set limit = env_var('HVC_MEMORY_LIMIT', '') | trim -%}
    {%- if limit and target.type == 'duckdb' -%}
        set memory_limit = '{{ limit }}'
    {%- else -%}
        select 1 as no_memory_limit
    {%- endif -%}
{%- endmacro %}
