with

events as (
    select
        'events' as table_name,
        event_id as record_id,
        quarantine_reason,
        _raw_record as raw_record,
        _source_file as source_file
    from {{ ref('base_google_analytics__events') }}
    where row_status = 'quarantined'
),

final as (
    select
        {{ dbt.hash("'google_analytics' || table_name || raw_record") }} as quarantined_row_id,
        'google_analytics' as source_name,
        table_name,
        record_id,
        quarantine_reason,
        raw_record,
        source_file
    from events
)

select * from final
