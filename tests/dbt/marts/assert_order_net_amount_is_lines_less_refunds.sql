-- Every order's net amount is the sum of its lines' signed amounts, less the whole of a
-- refunded EDD payment; and gross - refund = net. Returns the orders that disagree.
with

orders as (
    select
        order_id,
        is_refund,
        gross_amount,
        refund_amount,
        net_amount
    from {{ ref('orders') }}
),

order_lines as (
    select
        order_id,
        line_amount
    from {{ ref('order_lines') }}
),

line_totals as (
    select
        order_id,
        sum(line_amount) as lines_amount,
        sum(line_amount) filter (where line_amount > 0) as positive_amount
    from order_lines
    group by order_id
),

expected as (
    select
        orders.order_id,
        orders.net_amount,
        orders.gross_amount,
        orders.refund_amount,
        line_totals.lines_amount
        - case when orders.is_refund then line_totals.positive_amount else 0 end
            as expected_net_amount
    from orders
    left join line_totals on orders.order_id = line_totals.order_id
),

final as (
    select
        order_id,
        net_amount,
        expected_net_amount,
        gross_amount,
        refund_amount
    from expected
    where
        net_amount is distinct from expected_net_amount
        or net_amount <> gross_amount - refund_amount
)

select * from final
