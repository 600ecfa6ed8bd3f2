with

invoice_lines as (
    select
        invoice_line_id,
        invoice_no,
        is_cancellation,
        stock_code,
        description,
        quantity,
        unit_price,
        line_amount,
        invoiced_at,
        customer_id,
        country
    from {{ ref('base_online_retail__invoice_lines') }}
    where row_status = 'staged'
),

final as (
    select * from invoice_lines
)

select * from final
