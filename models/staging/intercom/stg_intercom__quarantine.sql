with

conversations as (
    select
        'conversations' as table_name,
        conversation_id as record_id,
        quarantine_reason,
        _raw_record as raw_record,
        _source_file as source_file
    from {{ ref('base_intercom__conversations') }}
    where row_status = 'quarantined'
),

contacts as (
    select
        'contacts' as table_name,
        contact_id as record_id,
        quarantine_reason,
        _raw_record as raw_record,
        _source_file as source_file
    from {{ ref('base_intercom__contacts') }}
    where row_status = 'quarantined'
),

unioned as (
    select
        table_name,
        record_id,
        quarantine_reason,
        raw_record,
        source_file
    from conversations
    union all
    select
        table_name,
        record_id,
        quarantine_reason,
        raw_record,
        source_file
    from contacts
),

final as (
    select
        {{ dbt.hash("'intercom' || table_name || raw_record") }} as quarantined_row_id,
        'intercom' as source_name,
        table_name,
        record_id,
        quarantine_reason,
        raw_record,
        source_file
    from unioned
)

select * from final
