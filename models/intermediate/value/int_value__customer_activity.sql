-- One row per customer with an order up to the as-of time: everything they did up to then
-- (orders, money, products, support and its cost, email, web and social engagement), from the
-- one definition in the macro customer_activity.
with

as_of as (
    select {{ as_of() }} as cutoff_at
),

activity as (
    {{ customer_activity(
        'as_of', ['orders', 'support', 'email', 'web', 'social'], through_cutoff=true
    ) }}
),

final as (
    select * from activity
)

select * from final
