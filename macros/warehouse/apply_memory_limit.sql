{#- Run at the start of every dbt invocation (on-run-start): caps DuckDB's memory at the
    env var HVC_MEMORY_LIMIT (e.g. '4GiB') when it is set, so large builds spill to disk instead
    of taking 80 % of the machine (DuckDB's default). The value must be a size (a number and a
    unit: B, KB, MB, GB, TB, KiB, MiB, GiB, TiB); anything else stops the invocation. A no-op
    otherwise and on other engines. -#}
{% macro apply_memory_limit() -%}
    {%- set limit = env_var('HVC_MEMORY_LIMIT', '') | trim -%}
    {%- if limit and not modules.re.fullmatch(
        '[0-9]+(\\.[0-9]+)? ?([KMGT]i?B|B)', limit, modules.re.IGNORECASE) -%}
        {{ exceptions.raise_compiler_error(
            "HVC_MEMORY_LIMIT must be a size such as 4GiB or 512MB, not " ~ limit | tojson) }}
    {%- endif -%}
    {%- if limit and target.type == 'duckdb' -%}
        set memory_limit = {{ sql_string(limit) }}
    {%- else -%}
        select 1 as no_memory_limit
    {%- endif -%}
{%- endmacro %}
