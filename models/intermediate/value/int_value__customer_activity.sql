-- One row per customer with an order up to their as-of time (their business line's): everything
-- they did up to then (orders, money, products, support and its cost, email, web and social
-- engagement), from the one definition in the macro customer_activity.
with

cutoffs as (
    select
        customer_number,
        customer_key,
        as_of_at as cutoff_at
    from {{ ref('int_value__customer_as_of') }}
),

activity as (
    {{ customer_activity(
        'cutoffs',
        ['orders', 'support', 'email', 'web', 'social'],
        through_cutoff=true
    ) }}
),

-- a customer whose orders all come after the as-of time (var as_of_date in the past) is not
-- valued yet
final as (
    select * from activity
    where order_count + return_count > 0
)

select * from final
