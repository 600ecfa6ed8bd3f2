-- One row per customer with a purchase: the segment the revenue forecast reports them in.
with

purchase_days as (
    select customer_key
    from {{ ref('int_clv__purchase_days') }}
),

customer_segments as (
    select
        customer_key,
        is_insider
    from {{ ref('int_segmentation__customer_segments') }}
),

customers as (
    select distinct customer_key
    from purchase_days
),

final as (
    select
        customers.customer_key,
        -- customers the segmentation has not placed count with the rest
        case
            when customer_segments.is_insider then 'Insiders'
            else 'Other customers'
        end as segment
    from customers
    left join customer_segments on customers.customer_key = customer_segments.customer_key
)

select * from final
