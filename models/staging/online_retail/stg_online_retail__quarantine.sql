with

invoice_lines as (
    select
        'invoice_lines' as table_name,
        invoice_line_id as record_id,
        quarantine_reason,
        _raw_record as raw_record,
        _source_file as source_file
    from {{ ref('base_online_retail__invoice_lines') }}
    where row_status = 'quarantined'
),

final as (
    select
        {{ dbt.hash("'online_retail' || table_name || raw_record") }} as quarantined_row_id,
        'online_retail' as source_name,
        table_name,
        record_id,
        quarantine_reason,
        raw_record,
        source_file
    from invoice_lines
)

select * from final
