-- One row per raw table in the registry (macros/registry/source_registry.sql).
with

{% for entry in registry_tables() %}
    {{ entry.source }}__{{ entry.table }} as (
        {{ reconcile_raw_table(entry) }}
    ),

{% endfor -%}
unioned as (
    {%- for entry in registry_tables() %}
        select
            source_name,
            table_name,
            staging_model,
            rows_in,
            rows_staged,
            rows_quarantined,
            duplicates_removed
        from {{ entry.source }}__{{ entry.table }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

final as (
    select
        source_name,
        table_name,
        staging_model,
        rows_in,
        rows_staged,
        rows_quarantined,
        duplicates_removed,
        rows_in - rows_staged - rows_quarantined - duplicates_removed as rows_unaccounted
    from unioned
)

select * from final
