with

subscribers as (
    select
        'subscribers' as table_name,
        subscriber_id as record_id,
        quarantine_reason,
        _raw_record as raw_record,
        _source_file as source_file
    from {{ ref('base_drip__subscribers') }}
    where row_status = 'quarantined'
),

events as (
    select
        'events' as table_name,
        event_id as record_id,
        quarantine_reason,
        _raw_record as raw_record,
        _source_file as source_file
    from {{ ref('base_drip__events') }}
    where row_status = 'quarantined'
),

unioned as (
    select
        table_name,
        record_id,
        quarantine_reason,
        raw_record,
        source_file
    from subscribers
    union all
    select
        table_name,
        record_id,
        quarantine_reason,
        raw_record,
        source_file
    from events
),

final as (
    select
        {{ dbt.hash("'drip' || table_name || raw_record") }} as quarantined_row_id,
        'drip' as source_name,
        table_name,
        record_id,
        quarantine_reason,
        raw_record,
        source_file
    from unioned
)

select * from final
