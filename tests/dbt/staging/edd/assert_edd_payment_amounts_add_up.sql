-- A staged payment's items add up to its subtotal, and subtotal - discounts + tax = total.
-- Warn only: a store that charges EDD fees adds amounts that are not items.
{{ config(severity='warn') }}

with

payments as (
    select
        payment_id,
        subtotal_amount,
        discount_amount,
        tax_amount,
        total_amount
    from {{ ref('stg_edd__payments') }}
),

items as (
    select
        payment_id,
        sum(item_amount) as items_amount
    from {{ ref('stg_edd__payment_items') }}
    group by payment_id
),

final as (
    select
        payments.payment_id,
        payments.subtotal_amount,
        items.items_amount,
        payments.total_amount
    from payments
    left join items on payments.payment_id = items.payment_id
    where
        payments.subtotal_amount is distinct from items.items_amount
        or payments.total_amount
        <> payments.subtotal_amount - payments.discount_amount + payments.tax_amount
)

select * from final
