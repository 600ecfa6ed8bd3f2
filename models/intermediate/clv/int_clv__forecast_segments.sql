-- One row per customer with a purchase: the segment the revenue forecast reports them in.
with

purchase_days as (
    select customer_key
    from {{ ref('int_clv__purchase_days') }}
),

customers as (
    select distinct customer_key
    from purchase_days
),

final as (
    select
        customer_key,
        'All customers' as segment
    from customers
)

select * from final
