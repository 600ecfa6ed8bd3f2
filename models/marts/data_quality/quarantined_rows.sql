with

unioned as (
    select
        quarantined_row_id,
        source_name,
        table_name,
        record_id,
        quarantine_reason,
        raw_record,
        source_file
    from {{ ref('stg_edd__quarantine') }}
    union all
    select
        quarantined_row_id,
        source_name,
        table_name,
        record_id,
        quarantine_reason,
        raw_record,
        source_file
    from {{ ref('stg_helpscout__quarantine') }}
    union all
    select
        quarantined_row_id,
        source_name,
        table_name,
        record_id,
        quarantine_reason,
        raw_record,
        source_file
    from {{ ref('stg_intercom__quarantine') }}
    union all
    select
        quarantined_row_id,
        source_name,
        table_name,
        record_id,
        quarantine_reason,
        raw_record,
        source_file
    from {{ ref('stg_drip__quarantine') }}
    union all
    select
        quarantined_row_id,
        source_name,
        table_name,
        record_id,
        quarantine_reason,
        raw_record,
        source_file
    from {{ ref('stg_hubspot__quarantine') }}
    union all
    select
        quarantined_row_id,
        source_name,
        table_name,
        record_id,
        quarantine_reason,
        raw_record,
        source_file
    from {{ ref('stg_google_analytics__quarantine') }}
    union all
    select
        quarantined_row_id,
        source_name,
        table_name,
        record_id,
        quarantine_reason,
        raw_record,
        source_file
    from {{ ref('stg_mturk__quarantine') }}
    union all
    select
        quarantined_row_id,
        source_name,
        table_name,
        record_id,
        quarantine_reason,
        raw_record,
        source_file
    from {{ ref('stg_online_retail__quarantine') }}
),

final as (
    select * from unioned
)

select * from final
