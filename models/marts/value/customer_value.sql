with

customer_activity as (
    select
        customer_key,
        gross_revenue,
        refund_amount,
        net_revenue,
        support_cost,
        adjusted_revenue,
        order_count,
        average_order_value,
        first_order_at,
        last_order_at,
        tenure_days,
        recency_days,
        distinct_product_count,
        item_count,
        active_month_count,
        purchase_frequency,
        return_count,
        refunded_order_count,
        return_rate,
        highest_license_tier,
        license_group,
        ticket_count,
        open_ticket_count,
        ticket_open_days,
        chat_count,
        email_open_count,
        email_click_count,
        web_session_count,
        page_view_count,
        social_impression_count
    from {{ ref('int_value__customer_activity') }}
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

-- customers without an order are prospects: not valued here
valued as (
    select
        customer_activity.*,
        customer_firmographics.industry,
        customer_firmographics.industry_source,
        customer_firmographics.industry_agreement_rate,
        customer_firmographics.employee_range,
        customer_firmographics.territory,
        customer_firmographics.country,
        customer_firmographics.utc_offset_hours,
        customer_firmographics.region
    from customer_activity
    left join customer_firmographics
        on customer_activity.customer_key = customer_firmographics.customer_key
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
        valued.adjusted_revenue,
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
