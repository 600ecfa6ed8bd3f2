{#- Run at the start of every dbt invocation (on-run-start): caps DuckDB's memory at the
    env var HVC_MEMORY_LIMIT, 4GiB when it is unset, so a large build spills to disk instead
    of taking 80 % of the machine (DuckDB's own default) while the Python models need memory
    beside it. At 1 M customers the full build took about as long under 4 GiB as without a cap
    (1,575 s against 1,497 s) and peaked at 11 GiB instead of 22 GiB. The value must be a
    size (a number and a unit: B, KB, MB, GB, TB, KiB, MiB, GiB, TiB); anything else stops the
    invocation. A no-op on other engines. -#}
{% macro apply_memory_limit() -%}
    {%- set limit = env_var('HVC_MEMORY_LIMIT', '') | trim or '4GiB' -%}
    {%- if not modules.re.fullmatch(
        '[0-9]+(\\.[0-9]+)? ?([KMGT]i?B|B)', limit, modules.re.IGNORECASE) -%}
        {{ exceptions.raise_compiler_error(
            "HVC_MEMORY_LIMIT must be a size such as 4GiB or 512MB, not " ~ limit | tojson) }}
    {%- endif -%}
    {%- if target.type == 'duckdb' -%}
        set memory_limit = {{ sql_string(limit) }}
    {%- else -%}
        select 1 as no_memory_limit
    {%- endif -%}
{%- endmacro %}
