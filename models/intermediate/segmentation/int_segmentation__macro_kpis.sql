-- One row per customer (buyers and known prospects): the KPIs of the four macro-segments,
-- loyalty (repeat purchases, days between purchases, days since the last purchase),
-- engagement (email opens and clicks, chats, web sessions), interest (distinct products,
-- items) and value (net and adjusted revenue, 12-month CLV), and the purchase tier that
-- separates customers who differ in kind: 0, 1, 2-3 and 4+ purchases. Buyers' figures are
-- those customer_kpis shows (int_value__customer_activity at their line's as-of time); a
-- prospect's engagement counts all its events.
with

customers as (
    select
        customer_key,
        has_orders
    from {{ ref('int_identity__customers') }}
),

buyers as (
    select
        activity.customer_key,
        activity.business_line,
        activity.order_count,
        greatest(activity.order_count - 1, 0) as repeat_order_count,
        {{ dbt.datediff('activity.first_order_at', 'activity.last_order_at', 'day') }}
        / nullif(activity.order_count - 1, 0) as average_days_between_orders,
        activity.recency_days,
        activity.email_open_count,
        activity.email_click_count,
        activity.chat_count,
        activity.web_session_count,
        activity.distinct_product_count,
        activity.item_count,
        cast(activity.net_revenue as double) as net_revenue,
        cast(activity.adjusted_revenue as double) as adjusted_revenue,
        cast(coalesce(lifetime.clv_12_months, 0) as double) as clv_12_months
    from {{ ref('int_value__customer_activity') }} as activity
    left join {{ ref('int_clv__predictions') }} as lifetime
        on activity.customer_key = lifetime.customer_key
),

email_events as (
    select
        customer_key,
        count(*) filter (where event_type = 'opened_email') as email_open_count,
        count(*) filter (where event_type = 'clicked_email') as email_click_count
    from {{ ref('int_engagement__email_events') }}
    group by customer_key
),

web_events as (
    select
        customer_key,
        count(distinct user_pseudo_id || ':' || session_id) as web_session_count
    from {{ ref('int_engagement__web_events') }}
    group by customer_key
),

chats as (
    select
        customer_key,
        count(*) filter (where source_name = 'intercom') as chat_count
    from {{ ref('int_support__tickets_classified') }}
    where exclusion_reason is null
    group by customer_key
),

prospects as (
    select
        customers.customer_key,
        cast(null as varchar) as business_line,
        0 as order_count,
        0 as repeat_order_count,
        cast(null as double) as average_days_between_orders,
        cast(null as bigint) as recency_days,
        coalesce(email_events.email_open_count, 0) as email_open_count,
        coalesce(email_events.email_click_count, 0) as email_click_count,
        coalesce(chats.chat_count, 0) as chat_count,
        coalesce(web_events.web_session_count, 0) as web_session_count,
        0 as distinct_product_count,
        0 as item_count,
        0.0 as net_revenue,
        0.0 as adjusted_revenue,
        0.0 as clv_12_months
    from customers
    left join email_events on customers.customer_key = email_events.customer_key
    left join web_events on customers.customer_key = web_events.customer_key
    left join chats on customers.customer_key = chats.customer_key
    where
        customers.customer_key not in (select buyers.customer_key from buyers)
),

all_customers as (
    select * from buyers
    union all
    select * from prospects
),

final as (
    select
        customer_key,
        business_line,
        case
            when order_count = 0 then '0'
            when order_count = 1 then '1'
            when order_count <= 3 then '2-3'
            else '4+'
        end as purchase_tier,
        cast(order_count as bigint) as order_count,
        cast(repeat_order_count as bigint) as repeat_order_count,
        cast(average_days_between_orders as double) as average_days_between_orders,
        cast(recency_days as bigint) as recency_days,
        cast(email_open_count as bigint) as email_open_count,
        cast(email_click_count as bigint) as email_click_count,
        cast(chat_count as bigint) as chat_count,
        cast(web_session_count as bigint) as web_session_count,
        cast(distinct_product_count as bigint) as distinct_product_count,
        cast(item_count as bigint) as item_count,
        net_revenue,
        adjusted_revenue,
        clv_12_months
    from all_customers
)

select * from final
