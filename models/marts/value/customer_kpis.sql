with

customer_value as (
    select
        customer_key,
        order_count,
        first_order_at,
        last_order_at,
        tenure_days,
        recency_days,
        email_open_count,
        email_click_count,
        chat_count,
        ticket_count,
        web_session_count,
        page_view_count,
        social_impression_count,
        distinct_product_count,
        item_count,
        net_revenue,
        support_cost,
        adjusted_revenue,
        average_order_value,
        rfm_segment
    from {{ ref('customer_value') }}
),

final as (
    select
        customer_key,
        -- loyalty: coming back
        greatest(order_count - 1, 0) as repeat_order_count,
        order_count > 1 as is_repeat_customer,
        {{ dbt.datediff('first_order_at', 'last_order_at', 'day') }}
        / nullif(order_count - 1, 0) as average_days_between_orders,
        tenure_days,
        recency_days,
        -- engagement: listening and talking to us
        email_open_count,
        email_click_count,
        chat_count,
        ticket_count,
        web_session_count,
        social_impression_count,
        -- interest: how much of the catalogue and the site they look at
        distinct_product_count,
        item_count,
        page_view_count,
        cast(page_view_count as double) / nullif(web_session_count, 0)
            as page_views_per_session,
        -- value
        net_revenue,
        support_cost,
        adjusted_revenue,
        average_order_value,
        rfm_segment
    from customer_value
)

select * from final
