-- One row per customer with at least one support ticket or chat.
with

support_tickets as (
    select
        customer_key,
        source_name,
        is_open,
        open_days
    from {{ ref('support_tickets') }}
),

final as (
    select
        customer_key,
        count(*) as ticket_count,
        count(*) filter (where source_name = 'intercom') as chat_count,
        count(*) filter (where is_open) as open_ticket_count,
        -- summed exactly (a double sum depends on the order threads add it up in), so the same
        -- tickets always give the same total
        cast(
            coalesce(sum(cast(open_days as decimal(18, 9))), 0) as double
        ) as ticket_open_days
    from support_tickets
    group by customer_key
)

select * from final
