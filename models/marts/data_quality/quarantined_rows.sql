-- One row per quarantined raw row of every source in the registry
-- (macros/registry/source_registry.sql), from the sources' quarantine models.
with

unioned as (
    {%- for source_name in registry_sources() %}
        select
            quarantined_row_id,
            source_name,
            table_name,
            record_id,
            quarantine_reason,
            raw_record,
            source_file,
            line_number
        from {{ ref('stg_' ~ source_name ~ '__quarantine') }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

final as (
    select * from unioned
)

select * from final
