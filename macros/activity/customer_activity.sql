{#-
    What each customer did before a cutoff: one row per cutoff and customer, from the
    customer-keyed facts (int_sales__orders, int_sales__order_lines_classified,
    int_support__tickets_classified, int_engagement__*). The one definition of a purchase, of
    revenue, support cost, open days, adjusted revenue and the RFM inputs: customer_value (at
    the as-of time), the segmentation backtest (at its cutoff) and the propensity features (at
    each customer's own cutoff) all read it.

    cutoffs         a relation in scope (a CTE name) with `customer_number`, `customer_key` and
                    `cutoff_at`: each customer is measured at its own cutoff (or cutoffs), and
                    every row of `cutoffs` gets a row. The facts are joined and grouped on the
                    customer's number (an integer, keyed_records), not on the 32-character key:
                    at 1 M customers the period features took 24 s on numbers against 44 s on
                    keys.
    measures        which groups of columns to compute (only their facts are read):
                    'orders' (purchases, money, products, first and last purchase, tenure,
                    recency, license group, business line, average order value, purchase
                    frequency, return rate), 'support' (tickets, chats, open tickets and open
                    days at the cutoff, support cost; with 'orders', adjusted revenue),
                    'email', 'web', 'social'.
    through_cutoff  false: facts strictly before the cutoff (a backtest or an outcome must not
                    see its own day); true: facts at or before it (value measured "as of" the
                    latest event includes that event).
-#}
{% macro customer_activity(cutoffs, measures, through_cutoff=false) -%}
    {%- set before = '<=' if through_cutoff else '<' -%}
    {%- set unknown = measures | reject('in', ['orders', 'support', 'email', 'web', 'social'])
        | list -%}
    {%- if unknown or not measures -%}
        {{ exceptions.raise_compiler_error(
            "customer_activity: unknown measures " ~ unknown
            ~ "; choose among orders, support, email, web, social") }}
    {%- endif -%}
    {%- set same_customer = ' and facts.customer_number = cutoffs.customer_number' -%}
with

{% if 'orders' in measures -%}
-- a customer's first purchase in a calendar month opens that month: counting the openings
-- before a cutoff counts the active months without a distinct count per cutoff and customer
flagged_orders as (
    select
        customer_number,
        source_name,
        ordered_at,
        is_return,
        item_quantity,
        gross_amount,
        refund_amount,
        net_amount,
        highest_license_tier,
        not is_return and row_number() over (
            partition by customer_number, is_return, {{ dbt.date_trunc('month', 'ordered_at') }}
            order by ordered_at
        ) = 1 as opens_month
    from {{ ref('int_sales__orders') }}
),

orders_before as (
    select
        cutoffs.cutoff_at,
        facts.customer_number,
        facts.source_name,
        facts.ordered_at,
        facts.is_return,
        facts.opens_month,
        facts.item_quantity,
        facts.gross_amount,
        facts.refund_amount,
        facts.net_amount,
        facts.highest_license_tier
    from flagged_orders as facts
    inner join {{ cutoffs }} as cutoffs
        on facts.ordered_at {{ before }} cutoffs.cutoff_at{{ same_customer }}
),

order_totals as (
    select
        cutoff_at,
        customer_number,
        count(*) filter (where not is_return) as order_count,
        count(*) filter (where is_return) as return_count,
        -- a refunded payment or a return invoice: money went back
        count(*) filter (where refund_amount > 0) as refunded_order_count,
        count(*) filter (where opens_month) as active_month_count,
        sum(gross_amount) as gross_revenue,
        sum(refund_amount) as refund_amount,
        sum(net_amount) as net_revenue,
        coalesce(sum(item_quantity) filter (where not is_return), 0) as item_count,
        min(ordered_at) filter (where not is_return) as first_order_at,
        max(ordered_at) filter (where not is_return) as last_order_at,
        min(ordered_at) as first_activity_at,
        max(ordered_at) as last_activity_at,
        max(highest_license_tier) as highest_license_tier,
        -- the software shop's orders make a software customer; the others are the retailer's
        {{ business_line('source_name') }} as business_line
    from orders_before
    group by cutoff_at, customer_number
),

-- the distinct products a customer bought before a cutoff are those first bought before it:
-- the first purchases are counted once per moment, not deduplicated again for every cutoff
product_first_purchases as (
    select
        customer_number,
        -- ids are per shop: a product is the line's source and its id
        source_name,
        product_id,
        min(ordered_at) as first_ordered_at
    from {{ ref('int_sales__order_lines_classified') }}
    where exclusion_reason is null and not is_return and product_id is not null
    group by customer_number, source_name, product_id
),

new_products as (
    select
        customer_number,
        first_ordered_at,
        count(*) as new_product_count
    from product_first_purchases
    group by customer_number, first_ordered_at
),

products as (
    select
        cutoffs.cutoff_at,
        facts.customer_number,
        cast(sum(facts.new_product_count) as bigint) as distinct_product_count
    from new_products as facts
    inner join {{ cutoffs }} as cutoffs
        on facts.first_ordered_at {{ before }} cutoffs.cutoff_at{{ same_customer }}
    group by cutoffs.cutoff_at, facts.customer_number
),

{% endif -%}
{% if 'support' in measures -%}
tickets_before as (
    select
        cutoffs.cutoff_at,
        facts.customer_number,
        facts.source_name,
        -- open at the cutoff: not closed by then
        coalesce(facts.closed_at > cutoffs.cutoff_at, true) as is_open,
        {{ ticket_open_days('facts.opened_at', 'facts.closed_at', 'cutoffs.cutoff_at') }}
            as open_days
    from {{ ref('int_support__tickets_classified') }} as facts
    inner join {{ cutoffs }} as cutoffs
        on facts.opened_at {{ before }} cutoffs.cutoff_at{{ same_customer }}
    where facts.exclusion_reason is null
),

support_totals as (
    select
        cutoff_at,
        customer_number,
        count(*) as ticket_count,
        count(*) filter (where source_name = 'intercom') as chat_count,
        count(*) filter (where is_open) as open_ticket_count,
        -- summed exactly (a double sum depends on the order threads add it up in), so the same
        -- tickets always give the same total
        cast(sum(cast(open_days as decimal(18, 9))) as double) as ticket_open_days
    from tickets_before
    group by cutoff_at, customer_number
),

{% endif -%}
{% if 'email' in measures -%}
email_totals as (
    select
        cutoffs.cutoff_at,
        facts.customer_number,
        count(*) filter (where facts.event_type = 'received_email') as email_received_count,
        count(*) filter (where facts.event_type = 'opened_email') as email_open_count,
        count(*) filter (where facts.event_type = 'clicked_email') as email_click_count
    from {{ ref('int_engagement__email_events') }} as facts
    inner join {{ cutoffs }} as cutoffs
        on facts.occurred_at {{ before }} cutoffs.cutoff_at{{ same_customer }}
    group by cutoffs.cutoff_at, facts.customer_number
),

{% endif -%}
{% if 'web' in measures -%}
web_totals as (
    select
        cutoffs.cutoff_at,
        facts.customer_number,
        -- a GA session id is unique within one browser (user_pseudo_id) only
        count(distinct facts.user_pseudo_id || ':' || facts.session_id) as web_session_count,
        count(*) filter (where facts.event_name = 'page_view') as page_view_count
    from {{ ref('int_engagement__web_events') }} as facts
    inner join {{ cutoffs }} as cutoffs
        on facts.event_at {{ before }} cutoffs.cutoff_at{{ same_customer }}
    group by cutoffs.cutoff_at, facts.customer_number
),

{% endif -%}
{% if 'social' in measures -%}
social_totals as (
    select
        cutoffs.cutoff_at,
        facts.customer_number,
        sum(
            coalesce(facts.facebook_impressions, 0)
            + coalesce(facts.instagram_impressions, 0)
            + coalesce(facts.x_impressions, 0)
        ) as social_impression_count
    from {{ ref('int_engagement__social_impressions') }} as facts
    inner join {{ cutoffs }} as cutoffs
        on cast(facts.month_start_date as timestamp) {{ before }} cutoffs.cutoff_at
        {{- same_customer }}
    group by cutoffs.cutoff_at, facts.customer_number
),

{% endif -%}
{%- set groups = {
    'orders': 'order_totals', 'support': 'support_totals', 'email': 'email_totals',
    'web': 'web_totals', 'social': 'social_totals',
} -%}
-- one row per cutoff and customer of `cutoffs` (a repeated row counts once)
population as (
    select
        cutoff_at,
        customer_number,
        any_value(customer_key) as customer_key
    from {{ cutoffs }}
    group by cutoff_at, customer_number
),

final as (
    select
        population.cutoff_at,
        population.customer_number,
        population.customer_key
        {%- if 'orders' in measures %},
        coalesce(order_totals.order_count, 0) as order_count,
        coalesce(order_totals.return_count, 0) as return_count,
        coalesce(order_totals.refunded_order_count, 0) as refunded_order_count,
        coalesce(order_totals.active_month_count, 0) as active_month_count,
        cast(coalesce(order_totals.gross_revenue, 0) as decimal(18, 2)) as gross_revenue,
        cast(coalesce(order_totals.refund_amount, 0) as decimal(18, 2)) as refund_amount,
        cast(coalesce(order_totals.net_revenue, 0) as decimal(18, 2)) as net_revenue,
        cast(coalesce(order_totals.item_count, 0) as bigint) as item_count,
        coalesce(products.distinct_product_count, 0) as distinct_product_count,
        order_totals.first_order_at,
        order_totals.last_order_at,
        {{ dbt.datediff(
            'coalesce(order_totals.first_order_at, order_totals.first_activity_at)',
            'population.cutoff_at',
            'day'
        ) }} as tenure_days,
        {{ dbt.datediff(
            'coalesce(order_totals.last_order_at, order_totals.last_activity_at)',
            'population.cutoff_at',
            'day'
        ) }} as recency_days,
        order_totals.highest_license_tier,
        case
            when order_totals.highest_license_tier is not null
                then 'license_' || order_totals.highest_license_tier
            when order_totals.business_line = 'software' then 'none'
            else 'retail'
        end as license_group,
        coalesce(order_totals.business_line, 'retail') as business_line,
        cast(
            cast(order_totals.net_revenue as decimal(18, 2))
            / nullif(order_totals.order_count, 0) as decimal(18, 2)
        ) as average_order_value,
        cast(order_totals.order_count as double)
        / nullif(order_totals.active_month_count, 0) as purchase_frequency,
        cast(cast(order_totals.refund_amount as decimal(18, 2)) as double)
        / nullif(cast(order_totals.gross_revenue as decimal(18, 2)), 0) as return_rate
        {%- endif %}
        {%- if 'support' in measures %},
        coalesce(support_totals.ticket_count, 0) as ticket_count,
        coalesce(support_totals.chat_count, 0) as chat_count,
        coalesce(support_totals.open_ticket_count, 0) as open_ticket_count,
        coalesce(support_totals.ticket_open_days, 0) as ticket_open_days,
        -- support costs var support_cost_per_open_day for each day a ticket is open
        cast(
            coalesce(support_totals.ticket_open_days, 0)
            * {{ number_var('support_cost_per_open_day') }}
            as decimal(18, 2)
        ) as support_cost
        {%- endif %}
        {%- if 'orders' in measures and 'support' in measures %},
        -- adjusted revenue: net revenue less the support it cost
        cast(
            cast(coalesce(order_totals.net_revenue, 0) as decimal(18, 2))
            - cast(
                coalesce(support_totals.ticket_open_days, 0)
                * {{ number_var('support_cost_per_open_day') }}
                as decimal(18, 2)
            )
            as decimal(18, 2)
        ) as adjusted_revenue
        {%- endif %}
        {%- if 'email' in measures %},
        coalesce(email_totals.email_received_count, 0) as email_received_count,
        coalesce(email_totals.email_open_count, 0) as email_open_count,
        coalesce(email_totals.email_click_count, 0) as email_click_count
        {%- endif %}
        {%- if 'web' in measures %},
        coalesce(web_totals.web_session_count, 0) as web_session_count,
        coalesce(web_totals.page_view_count, 0) as page_view_count
        {%- endif %}
        {%- if 'social' in measures %},
        cast(coalesce(social_totals.social_impression_count, 0) as bigint)
            as social_impression_count
        {%- endif %}
    from population
    {%- if 'orders' in measures %}
    left join order_totals
        on
            population.cutoff_at = order_totals.cutoff_at
            and population.customer_number = order_totals.customer_number
    left join products
        on
            population.cutoff_at = products.cutoff_at
            and population.customer_number = products.customer_number
    {%- endif %}
    {%- for measure in measures if measure != 'orders' %}
    left join {{ groups[measure] }}
        on
            population.cutoff_at = {{ groups[measure] }}.cutoff_at
            and population.customer_number = {{ groups[measure] }}.customer_number
    {%- endfor %}
)

select * from final
{%- endmacro %}
