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
        coalesce(sum(open_days), 0) as ticket_open_days
    from support_tickets
    group by customer_key
)

select * from final
