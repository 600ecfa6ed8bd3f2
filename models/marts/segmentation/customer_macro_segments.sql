-- One row per customer, buyers and known prospects: the KPIs of the four macro-segments
-- (loyalty, engagement, interest, value), their scores, and the customer's segment within
-- each: the purchase tier first (0, 1, 2-3, 4+), then low / mid / high within the tier.
with

kpis as (
    select * from {{ ref('int_segmentation__macro_kpis') }}
),

segments as (
    select * from {{ ref('int_segmentation__macro_segments') }}
),

final as (
    select
        kpis.customer_key,
        {{ customer_number('kpis.customer_key') }} as customer_number,
        kpis.business_line,
        kpis.purchase_tier,
        kpis.order_count,
        kpis.repeat_order_count,
        kpis.average_days_between_orders,
        kpis.recency_days,
        kpis.email_open_count,
        kpis.email_click_count,
        kpis.chat_count,
        kpis.web_session_count,
        kpis.distinct_product_count,
        kpis.item_count,
        cast(kpis.net_revenue as decimal(18, 2)) as net_revenue,
        cast(kpis.adjusted_revenue as decimal(18, 2)) as adjusted_revenue,
        cast(kpis.clv_12_months as decimal(18, 2)) as clv_12_months,
        segments.loyalty_score,
        segments.engagement_score,
        segments.interest_score,
        segments.value_score,
        segments.loyalty_segment,
        segments.engagement_segment,
        segments.interest_segment,
        segments.value_segment
    from kpis
    inner join segments on kpis.customer_key = segments.customer_key
)

select * from final
