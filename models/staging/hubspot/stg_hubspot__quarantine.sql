with

contacts as (
    select
        'contacts' as table_name,
        contact_id as record_id,
        quarantine_reason,
        _raw_record as raw_record,
        _source_file as source_file
    from {{ ref('base_hubspot__contacts') }}
    where row_status = 'quarantined'
),

companies as (
    select
        'companies' as table_name,
        company_id as record_id,
        quarantine_reason,
        _raw_record as raw_record,
        _source_file as source_file
    from {{ ref('base_hubspot__companies') }}
    where row_status = 'quarantined'
),

social_impressions as (
    select
        'social_impressions' as table_name,
        social_impression_id as record_id,
        quarantine_reason,
        _raw_record as raw_record,
        _source_file as source_file
    from {{ ref('base_hubspot__social_impressions') }}
    where row_status = 'quarantined'
),

unioned as (
    select
        table_name,
        record_id,
        quarantine_reason,
        raw_record,
        source_file
    from contacts
    union all
    select
        table_name,
        record_id,
        quarantine_reason,
        raw_record,
        source_file
    from companies
    union all
    select
        table_name,
        record_id,
        quarantine_reason,
        raw_record,
        source_file
    from social_impressions
),

final as (
    select
        {{ dbt.hash("'hubspot' || table_name || raw_record") }} as quarantined_row_id,
        'hubspot' as source_name,
        table_name,
        record_id,
        quarantine_reason,
        raw_record,
        source_file
    from unioned
)

select * from final
