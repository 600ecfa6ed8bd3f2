-- One row per customer with an order: their business line (macro business_line, over all their
-- orders) and the time they are measured at, their line's as-of time (int_value__as_of).
with

orders as (
    select
        customer_number,
        customer_key,
        source_name
    from {{ ref('int_sales__orders') }}
),

as_of as (
    select
        business_line,
        as_of_at
    from {{ ref('int_value__as_of') }}
),

-- grouped by the customer's number (an integer) rather than the text key it stands for
customer_lines as (
    select
        customer_number,
        any_value(customer_key) as customer_key,
        {{ business_line('source_name') }} as business_line
    from orders
    group by customer_number
),

final as (
    select
        customer_lines.customer_key,
        customer_lines.customer_number,
        customer_lines.business_line,
        as_of.as_of_at
    from customer_lines
    inner join as_of on customer_lines.business_line = as_of.business_line
)

select * from final
