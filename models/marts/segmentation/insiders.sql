with

segments as (
    select
        customer_key,
        business_line,
        segment_id,
        segment_name,
        is_insider
    from {{ ref('int_segmentation__customer_segments') }}
),

customer_value as (
    select
        customer_key,
        net_revenue,
        adjusted_revenue,
        support_cost,
        order_count,
        average_order_value,
        first_order_at,
        last_order_at,
        recency_days,
        tenure_days,
        distinct_product_count,
        item_count,
        return_rate,
        ticket_count,
        license_group,
        industry,
        country,
        region,
        rfm_segment
    from {{ ref('customer_value') }}
),

as_of as (
    select
        business_line,
        as_of_at
    from {{ ref('int_value__as_of') }}
),

insiders as (
    select
        segments.customer_key,
        segments.business_line,
        segments.segment_id,
        segments.segment_name,
        customer_value.net_revenue,
        customer_value.adjusted_revenue,
        customer_value.support_cost,
        customer_value.order_count,
        customer_value.average_order_value,
        customer_value.first_order_at,
        customer_value.last_order_at,
        customer_value.recency_days,
        customer_value.tenure_days,
        customer_value.distinct_product_count,
        customer_value.item_count,
        customer_value.return_rate,
        customer_value.ticket_count,
        customer_value.license_group,
        customer_value.industry,
        customer_value.country,
        customer_value.region,
        customer_value.rfm_segment
    from segments
    inner join customer_value on segments.customer_key = customer_value.customer_key
    where segments.is_insider
),

final as (
    select
        cast(insiders.customer_key as varchar) as customer_key,
        {{ customer_number('insiders.customer_key') }} as customer_number,
        cast(insiders.business_line as varchar) as business_line,
        cast(
            row_number() over (
                partition by insiders.business_line
                order by insiders.adjusted_revenue desc, insiders.customer_key asc
            ) as integer
        ) as value_rank,
        cast(insiders.segment_id as integer) as segment_id,
        cast(insiders.segment_name as varchar) as segment_name,
        insiders.net_revenue,
        insiders.adjusted_revenue,
        insiders.support_cost,
        insiders.order_count,
        insiders.average_order_value,
        insiders.first_order_at,
        insiders.last_order_at,
        insiders.recency_days,
        insiders.tenure_days,
        insiders.distinct_product_count,
        insiders.item_count,
        insiders.return_rate,
        insiders.ticket_count,
        insiders.license_group,
        insiders.industry,
        insiders.country,
        insiders.region,
        insiders.rfm_segment,
        cast(as_of.as_of_at as date) as as_of_date
    from insiders
    inner join as_of on insiders.business_line = as_of.business_line
)

select * from final
