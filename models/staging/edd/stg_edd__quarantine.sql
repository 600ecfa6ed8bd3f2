with

payments as (
    select
        'payments' as table_name,
        payment_id as record_id,
        quarantine_reason,
        _raw_record as raw_record,
        _source_file as source_file
    from {{ ref('base_edd__payments') }}
    where row_status = 'quarantined'
),

final as (
    select
        {{ dbt.hash("'edd' || table_name || raw_record") }} as quarantined_row_id,
        'edd' as source_name,
        table_name,
        record_id,
        quarantine_reason,
        raw_record,
        source_file
    from payments
)

select * from final
