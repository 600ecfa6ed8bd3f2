with

batch_results as (
    select
        'batch_results' as table_name,
        assignment_id as record_id,
        quarantine_reason,
        _raw_record as raw_record,
        _source_file as source_file
    from {{ ref('base_mturk__batch_results') }}
    where row_status = 'quarantined'
),

final as (
    select
        {{ dbt.hash("'mturk' || table_name || raw_record") }} as quarantined_row_id,
        'mturk' as source_name,
        table_name,
        record_id,
        quarantine_reason,
        raw_record,
        source_file
    from batch_results
)

select * from final
