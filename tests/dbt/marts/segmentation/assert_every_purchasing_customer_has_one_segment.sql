-- Every customer with a purchase has exactly one segment, and nobody else has one.
with

purchasing as (
    select customer_key
    from {{ ref('customer_value') }}
    where order_count > 0
),

segmented as (
    select
        customer_key,
        count(*) as segment_rows
    from {{ ref('customer_segments') }}
    group by customer_key
),

final as (
    select
        coalesce(purchasing.customer_key, segmented.customer_key) as customer_key,
        coalesce(segmented.segment_rows, 0) as segment_rows,
        purchasing.customer_key is not null as has_purchase
    from purchasing
    full outer join segmented on purchasing.customer_key = segmented.customer_key
    where
        purchasing.customer_key is null
        or segmented.customer_key is null
        or segmented.segment_rows <> 1
)

select * from final
