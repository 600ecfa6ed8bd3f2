with

conversations as (
    select
        'conversations' as table_name,
        conversation_id as record_id,
        quarantine_reason,
        _raw_record as raw_record,
        _source_file as source_file
    from {{ ref('base_helpscout__conversations') }}
    where row_status = 'quarantined'
),

final as (
    select
        {{ dbt.hash("'helpscout' || table_name || raw_record") }} as quarantined_row_id,
        'helpscout' as source_name,
        table_name,
        record_id,
        quarantine_reason,
        raw_record,
        source_file
    from conversations
)

select * from final
