-- What marketing can do, by documented rules on each audience's traits: one row per business
-- line and segment (its action from the segment's name: Insiders, lapsed, one-time buyers,
-- regulars), and per cross-segment audience (at-risk high-value customers to win back,
-- likely License 3 buyers to upsell), with the customers and the value at stake.
with

segments as (
    select
        customer_key,
        business_line,
        segment_id,
        segment_name,
        is_insider
    from {{ ref('customer_segments') }}
),

lifetime as (
    select
        customer_key,
        probability_alive,
        clv_12_months
    from {{ ref('customer_lifetime_value') }}
),

valued as (
    select
        customer_key,
        net_revenue
    from {{ ref('customer_value') }}
),

propensity as (
    select
        customer_key,
        license_3_probability,
        is_predicted_buyer,
        has_license_3
    from {{ ref('license_propensity') }}
),

license_3_orders as (
    select avg(net_amount) as mean_license_3_order
    from {{ ref('orders') }}
    where highest_license_tier = 3 and not is_refund
),

customers as (
    select
        segments.customer_key,
        segments.business_line,
        segments.segment_id,
        segments.segment_name,
        segments.is_insider,
        coalesce(valued.net_revenue, 0) as net_revenue,
        lifetime.probability_alive,
        coalesce(lifetime.clv_12_months, 0) as clv_12_months,
        propensity.license_3_probability,
        coalesce(propensity.is_predicted_buyer and not propensity.has_license_3, false)
            as is_upsell_candidate,
        -- the line's top quarter by net revenue
        percent_rank() over (
            partition by segments.business_line order by coalesce(valued.net_revenue, 0)
        ) >= 0.75 as is_high_value
    from segments
    left join valued on segments.customer_key = valued.customer_key
    left join lifetime on segments.customer_key = lifetime.customer_key
    left join propensity on segments.customer_key = propensity.customer_key
),

by_segment as (
    select
        business_line,
        'segment' as audience_type,
        segment_id,
        any_value(segment_name) as audience,
        case
            when bool_or(is_insider) then 'Early access and loyalty perks'
            when any_value(segment_name) like 'Lapsed%' then 'Re-activation offer'
            when any_value(segment_name) like '%one-time buyers%' then 'Second-purchase offer'
            when any_value(segment_name) like '%regulars%' then 'Cross-sell newsletter'
            else 'Nurture newsletter'
        end as recommended_action,
        case
            when bool_or(is_insider) then 'The Insiders: keep them close.'
            when any_value(segment_name) like 'Lapsed%'
                then 'Lapsed: their last purchase is in the line''s least recent third.'
            when any_value(segment_name) like '%one-time buyers%'
                then 'One-time buyers: most bought once; a second purchase makes a regular.'
            when any_value(segment_name) like '%regulars%'
                then 'Regulars: they buy often; show them what else they could use.'
            else 'Every other segment.'
        end as action_rule,
        count(*) as customer_count,
        sum(net_revenue) as net_revenue,
        sum(clv_12_months) as value_at_stake
    from customers
    group by business_line, segment_id
),

win_back as (
    select
        business_line,
        'audience' as audience_type,
        cast(null as integer) as segment_id,
        'At-risk high-value customers' as audience,
        'Win-back offer' as recommended_action,
        'Top quarter of the line by net revenue, and less than a 50 % chance of still being '
        || 'a customer (probability_alive).' as action_rule,
        count(*) as customer_count,
        sum(net_revenue) as net_revenue,
        sum(clv_12_months) as value_at_stake
    from customers
    where is_high_value and probability_alive < 0.5
    group by business_line
),

upsell as (
    select
        customers.business_line,
        'audience' as audience_type,
        cast(null as integer) as segment_id,
        'Likely License 3 buyers' as audience,
        'License 3 upsell' as recommended_action,
        'Predicted License 3 buyers (license_propensity) who do not have it; at stake: their '
        || 'probabilities times the mean License 3 order.' as action_rule,
        count(*) as customer_count,
        sum(customers.net_revenue) as net_revenue,
        sum(customers.license_3_probability)
        * any_value(license_3_orders.mean_license_3_order) as value_at_stake
    from customers
    cross join license_3_orders
    where customers.is_upsell_candidate
    group by customers.business_line
),

audiences as (
    select * from by_segment
    union all
    select * from win_back
    union all
    select * from upsell
),

final as (
    select
        business_line,
        audience_type,
        cast(segment_id as integer) as segment_id,
        audience,
        recommended_action,
        action_rule,
        customer_count,
        cast(net_revenue as decimal(18, 2)) as net_revenue,
        cast(coalesce(value_at_stake, 0) as decimal(18, 2)) as value_at_stake
    from audiences
    order by business_line asc, audience_type desc, segment_id asc, audience asc
)

select * from final
