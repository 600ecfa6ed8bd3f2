with

customers as (
    select customer_key
    from {{ ref('customers') }}
),

customer_orders as (
    select
        customer_key,
        order_count,
        return_count,
        refunded_order_count,
        active_month_count,
        gross_revenue,
        refund_amount,
        net_revenue,
        item_count,
        distinct_product_count,
        first_order_at,
        last_order_at,
        tenure_days,
        recency_days,
        highest_license_tier,
        license_group
    from {{ ref('int_value__customer_orders') }}
),

customer_support as (
    select
        customer_key,
        ticket_count,
        chat_count,
        open_ticket_count,
        ticket_open_days
    from {{ ref('int_value__customer_support') }}
),

customer_engagement as (
    select
        customer_key,
        email_open_count,
        email_click_count,
        web_session_count,
        page_view_count,
        social_impression_count
    from {{ ref('int_value__customer_engagement') }}
),

customer_firmographics as (
    select
        customer_key,
        industry,
        industry_source,
        industry_agreement_rate,
        employee_range,
        territory,
        country,
        utc_offset_hours,
        region
    from {{ ref('int_value__customer_firmographics') }}
),

valued as (
    select
        customers.customer_key,
        customer_orders.gross_revenue,
        customer_orders.refund_amount,
        customer_orders.net_revenue,
        cast(
            coalesce(customer_support.ticket_open_days, 0)
            * {{ var('support_cost_per_open_day') }}
            as decimal(18, 2)
        ) as support_cost,
        customer_orders.order_count,
        cast(
            customer_orders.net_revenue / nullif(customer_orders.order_count, 0)
            as decimal(18, 2)
        ) as average_order_value,
        customer_orders.first_order_at,
        customer_orders.last_order_at,
        customer_orders.tenure_days,
        customer_orders.recency_days,
        customer_orders.distinct_product_count,
        customer_orders.item_count,
        customer_orders.active_month_count,
        cast(customer_orders.order_count as double)
        / nullif(customer_orders.active_month_count, 0) as purchase_frequency,
        customer_orders.return_count,
        customer_orders.refunded_order_count,
        cast(customer_orders.refund_amount as double)
        / nullif(customer_orders.gross_revenue, 0) as return_rate,
        customer_orders.highest_license_tier,
        customer_orders.license_group,
        coalesce(customer_support.ticket_count, 0) as ticket_count,
        coalesce(customer_support.open_ticket_count, 0) as open_ticket_count,
        coalesce(customer_support.ticket_open_days, 0) as ticket_open_days,
        coalesce(customer_support.chat_count, 0) as chat_count,
        coalesce(customer_engagement.email_open_count, 0) as email_open_count,
        coalesce(customer_engagement.email_click_count, 0) as email_click_count,
        coalesce(customer_engagement.web_session_count, 0) as web_session_count,
        coalesce(customer_engagement.page_view_count, 0) as page_view_count,
        coalesce(customer_engagement.social_impression_count, 0) as social_impression_count,
        customer_firmographics.industry,
        customer_firmographics.industry_source,
        customer_firmographics.industry_agreement_rate,
        customer_firmographics.employee_range,
        customer_firmographics.territory,
        customer_firmographics.country,
        customer_firmographics.utc_offset_hours,
        customer_firmographics.region
    from customers
    -- customers without an order are prospects: not valued here
    inner join customer_orders on customers.customer_key = customer_orders.customer_key
    left join customer_support on customers.customer_key = customer_support.customer_key
    left join customer_engagement
        on customers.customer_key = customer_engagement.customer_key
    left join customer_firmographics
        on customers.customer_key = customer_firmographics.customer_key
),

scores as (
    select
        customer_key,
        -- 5 = most recent, most orders, most money; equal values split by customer_key
        cast(
            ntile(5) over (order by recency_days desc, customer_key asc) as integer
        ) as recency_score,
        cast(
            ntile(5) over (order by order_count asc, customer_key asc) as integer
        ) as frequency_score,
        cast(
            ntile(5) over (order by net_revenue asc, customer_key asc) as integer
        ) as monetary_score
    from valued
),

final as (
    select
        valued.customer_key,
        valued.gross_revenue,
        valued.refund_amount,
        valued.net_revenue,
        valued.support_cost,
        cast(valued.net_revenue - valued.support_cost as decimal(18, 2)) as adjusted_revenue,
        valued.order_count,
        valued.average_order_value,
        valued.first_order_at,
        valued.last_order_at,
        valued.tenure_days,
        valued.recency_days,
        valued.order_count as frequency,
        valued.distinct_product_count,
        valued.item_count,
        valued.active_month_count,
        valued.purchase_frequency,
        valued.return_count,
        valued.refunded_order_count,
        valued.return_rate,
        valued.highest_license_tier,
        valued.license_group,
        valued.ticket_count,
        valued.open_ticket_count,
        valued.ticket_open_days,
        valued.chat_count,
        valued.email_open_count,
        valued.email_click_count,
        valued.web_session_count,
        valued.page_view_count,
        valued.social_impression_count,
        valued.industry,
        valued.industry_source,
        valued.industry_agreement_rate,
        valued.employee_range,
        valued.territory,
        valued.country,
        valued.utc_offset_hours,
        valued.region,
        scores.recency_score,
        scores.frequency_score,
        scores.monetary_score,
        scores.recency_score * 100 + scores.frequency_score * 10 + scores.monetary_score
            as rfm_score,
        {{ rfm_segment(
            'scores.recency_score', 'scores.frequency_score', 'scores.monetary_score'
        ) }} as rfm_segment
    from valued
    inner join scores on valued.customer_key = scores.customer_key
)

select * from final
