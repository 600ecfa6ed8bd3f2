-- Every staged EDD payment item and Online Retail invoice line is an order line or an excluded
-- line, once: counts and amounts per source agree. Returns a row per source that disagrees.
with

payment_items as (
    select
        payment_item_id,
        item_amount
    from {{ ref('stg_edd__payment_items') }}
),

invoice_lines as (
    select
        invoice_line_id,
        line_amount
    from {{ ref('stg_online_retail__invoice_lines') }}
),

order_lines as (
    select
        order_line_id,
        line_amount
    from {{ ref('order_lines') }}
),

excluded_order_lines as (
    select
        source_name,
        line_amount
    from {{ ref('excluded_order_lines') }}
),

staged as (
    select
        'edd' as source_name,
        count(*) as line_count,
        coalesce(sum(cast(item_amount as decimal(18, 2))), 0) as amount
    from payment_items
    union all
    select
        'online_retail' as source_name,
        count(*) as line_count,
        coalesce(sum(cast(line_amount as decimal(18, 2))), 0) as amount
    from invoice_lines
),

facts as (
    select
        split_part(order_line_id, ':', 1) as source_name,
        line_amount
    from order_lines
    union all
    select
        source_name,
        line_amount
    from excluded_order_lines
),

fact_totals as (
    select
        source_name,
        count(*) as line_count,
        coalesce(sum(line_amount), 0) as amount
    from facts
    group by source_name
),

final as (
    select
        staged.source_name,
        staged.line_count as staged_lines,
        coalesce(fact_totals.line_count, 0) as fact_lines,
        staged.amount as staged_amount,
        coalesce(fact_totals.amount, 0) as fact_amount
    from staged
    full outer join fact_totals on staged.source_name = fact_totals.source_name
    where
        staged.line_count is distinct from coalesce(fact_totals.line_count, 0)
        or staged.amount is distinct from coalesce(fact_totals.amount, 0)
)

select * from final
