-- One row per customer and UTC day with a purchase: the customer's kept orders of that day.
with

orders as (
    select
        customer_number,
        customer_key,
        source_name,
        ordered_at,
        is_return,
        is_refund,
        gross_amount
    from {{ ref('int_sales__orders') }}
),

-- a return invoice is not a purchase; a refunded payment kept no money
purchases as (
    select
        customer_number,
        customer_key,
        source_name,
        cast(ordered_at as date) as purchase_date,
        gross_amount
    from orders
    where not is_return and not is_refund
),

-- purchases on the same day count as one, worth their sum (grouped by the customer's number,
-- an integer, rather than the text key it stands for)
days as (
    select
        customer_number,
        any_value(customer_key) as customer_key,
        purchase_date,
        min(source_name) as source_name,
        count(*) as order_count,
        sum(gross_amount) as purchase_amount
    from purchases
    group by customer_number, purchase_date
),

final as (
    select
        customer_key,
        customer_number,
        purchase_date,
        first_value(source_name) over by_day as business_line,
        min(purchase_date) over (partition by customer_number) as first_purchase_date,
        cast(order_count as bigint) as order_count,
        cast(purchase_amount as decimal(18, 2)) as purchase_amount
    from days
    window by_day as (partition by customer_number order by purchase_date)
)

select * from final
