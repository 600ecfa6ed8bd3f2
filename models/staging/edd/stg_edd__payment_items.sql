-- A table, where the other staging models are views: each payment's items are parsed out of its
-- JSON, which its data tests and readers would otherwise each parse again (at 1 M customers
-- its tests took 14 s as a view).
{{ config(materialized='table') }}

with

payments as (
    select
        payment_id,
        products
    from {{ ref('base_edd__payments') }}
    where row_status = 'staged'
),

positions as (
    select
        payment_id,
        products,
        unnest(range(cast(json_array_length(products) as bigint))) as item_index
    from payments
),

items as (
    select
        payment_id,
        item_index + 1 as line_number,
        products -> cast(item_index as integer) as item
    from positions
),

final as (
    select
        payment_id || '-' || line_number as payment_item_id,
        payment_id,
        line_number,
        nullif(trim(item ->> 'id'), '') as download_id,
        nullif(trim(item ->> 'name'), '') as product_name,
        nullif(trim(item ->> 'price_name'), '') as price_name,
        cast(
            nullif(regexp_extract(item ->> 'price_name', '(?i)license\s*(\d+)', 1), '') as integer
        ) as license_tier,
        cast(item ->> 'quantity' as integer) as quantity,
        cast(item ->> 'price' as decimal(18, 2)) as item_amount
    from items
)

select * from final
