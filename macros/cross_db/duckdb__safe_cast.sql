{#-
    dbt.safe_cast falls back to a plain cast on DuckDB, which fails the whole query on one bad
    value. DuckDB's try_cast gives null instead, as safe_cast does on other engines. Found by
    dbt through the dispatch search order in dbt_project.yml.
-#}
{% macro duckdb__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}
