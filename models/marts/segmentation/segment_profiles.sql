with

segments as (
    select
        customer_key,
        business_line,
        segment_id,
        segment_name,
        is_insider
    from {{ ref('int_segmentation__customer_segments') }}
),

customer_value as (
    select
        customer_key,
        net_revenue,
        adjusted_revenue,
        support_cost,
        recency_days,
        order_count,
        average_order_value,
        return_rate,
        refund_amount,
        distinct_product_count,
        item_count,
        tenure_days,
        ticket_count,
        industry,
        country
    from {{ ref('customer_value') }}
),

-- money stays decimal until it is summed or averaged: exact sums, the same bits whatever
-- order the threads add the rows in (a sum of doubles is not)
segmented as (
    select
        segments.business_line,
        segments.segment_id,
        segments.segment_name,
        segments.is_insider,
        customer_value.customer_key,
        customer_value.net_revenue,
        customer_value.adjusted_revenue,
        customer_value.support_cost,
        customer_value.recency_days,
        customer_value.order_count,
        customer_value.average_order_value,
        coalesce(customer_value.return_rate, 0) as return_rate,
        customer_value.refund_amount,
        customer_value.distinct_product_count,
        customer_value.item_count,
        customer_value.tenure_days,
        customer_value.ticket_count,
        customer_value.industry,
        customer_value.country
    from segments
    inner join customer_value on segments.customer_key = customer_value.customer_key
),

line_totals as (
    select
        business_line,
        count(*) as line_customers,
        sum(net_revenue) as line_net_revenue,
        sum(adjusted_revenue) as line_adjusted_revenue
    from segmented
    group by business_line
),

profiles as (
    select
        business_line,
        segment_id,
        min(segment_name) as segment_name,
        count(*) as customer_count,
        count(*) filter (where is_insider) as insider_count,
        sum(net_revenue) as net_revenue,
        sum(adjusted_revenue) as adjusted_revenue,
        percentile_cont(0.5) within group (order by net_revenue) as median_net_revenue,
        avg(net_revenue) as mean_net_revenue,
        percentile_cont(0.5) within group (order by adjusted_revenue)
            as median_adjusted_revenue,
        avg(adjusted_revenue) as mean_adjusted_revenue,
        percentile_cont(0.5) within group (order by recency_days) as median_recency_days,
        percentile_cont(0.5) within group (order by order_count) as median_order_count,
        avg(order_count) as mean_order_count,
        percentile_cont(0.5) within group (order by average_order_value)
            as median_average_order_value,
        percentile_cont(0.5) within group (order by return_rate) as median_return_rate,
        sum(refund_amount) as refund_amount,
        percentile_cont(0.5) within group (order by distinct_product_count)
            as median_distinct_product_count,
        percentile_cont(0.5) within group (order by item_count) as median_item_count,
        percentile_cont(0.5) within group (order by tenure_days) as median_tenure_days,
        avg(ticket_count) as mean_ticket_count,
        avg(support_cost) as mean_support_cost
    from segmented
    group by business_line, segment_id
),

industry_counts as (
    select
        business_line,
        segment_id,
        industry,
        count(*) as customer_count
    from segmented
    where industry is not null
    group by business_line, segment_id, industry
),

country_counts as (
    select
        business_line,
        segment_id,
        country,
        count(*) as customer_count
    from segmented
    where country is not null
    group by business_line, segment_id, country
),

-- the three most common known values, each with its share of the segment's customers
industries_ranked as (
    select
        industry_counts.business_line,
        industry_counts.segment_id,
        industry_counts.industry
        || ' ('
        || cast(
            round(100.0 * industry_counts.customer_count / profiles.customer_count) as integer
        )
        || '%)' as value_label,
        row_number() over (
            partition by industry_counts.business_line, industry_counts.segment_id
            order by industry_counts.customer_count desc, industry_counts.industry asc
        ) as value_rank
    from industry_counts
    inner join profiles
        on
            industry_counts.business_line = profiles.business_line
            and industry_counts.segment_id = profiles.segment_id
),

countries_ranked as (
    select
        country_counts.business_line,
        country_counts.segment_id,
        country_counts.country
        || ' ('
        || cast(
            round(100.0 * country_counts.customer_count / profiles.customer_count) as integer
        )
        || '%)' as value_label,
        row_number() over (
            partition by country_counts.business_line, country_counts.segment_id
            order by country_counts.customer_count desc, country_counts.country asc
        ) as value_rank
    from country_counts
    inner join profiles
        on
            country_counts.business_line = profiles.business_line
            and country_counts.segment_id = profiles.segment_id
),

leading_industries as (
    select
        business_line,
        segment_id,
        {{ dbt.listagg('value_label', "', '", 'order by value_rank') }} as leading_industries
    from industries_ranked
    where value_rank <= 3
    group by business_line, segment_id
),

leading_countries as (
    select
        business_line,
        segment_id,
        {{ dbt.listagg('value_label', "', '", 'order by value_rank') }} as leading_countries
    from countries_ranked
    where value_rank <= 3
    group by business_line, segment_id
),

final as (
    select
        cast(profiles.business_line as varchar) as business_line,
        cast(profiles.segment_id as integer) as segment_id,
        cast(profiles.segment_name as varchar) as segment_name,
        cast(profiles.customer_count as bigint) as customer_count,
        cast(profiles.customer_count as double) / line_totals.line_customers
            as share_of_customers,
        cast(profiles.insider_count as bigint) as insider_count,
        cast(profiles.net_revenue as decimal(18, 2)) as net_revenue,
        cast(profiles.net_revenue as double) / nullif(line_totals.line_net_revenue, 0)
            as share_of_net_revenue,
        cast(profiles.adjusted_revenue as decimal(18, 2)) as adjusted_revenue,
        cast(profiles.adjusted_revenue as double)
        / nullif(line_totals.line_adjusted_revenue, 0) as share_of_adjusted_revenue,
        cast(profiles.median_net_revenue as double) as median_net_revenue,
        cast(profiles.mean_net_revenue as double) as mean_net_revenue,
        cast(profiles.median_adjusted_revenue as double) as median_adjusted_revenue,
        cast(profiles.mean_adjusted_revenue as double) as mean_adjusted_revenue,
        cast(profiles.median_recency_days as double) as median_recency_days,
        cast(profiles.median_order_count as double) as median_order_count,
        cast(profiles.mean_order_count as double) as mean_order_count,
        cast(profiles.median_average_order_value as double) as median_average_order_value,
        cast(profiles.median_return_rate as double) as median_return_rate,
        cast(profiles.refund_amount as decimal(18, 2)) as refund_amount,
        cast(profiles.median_distinct_product_count as double)
            as median_distinct_product_count,
        cast(profiles.median_item_count as double) as median_item_count,
        cast(profiles.median_tenure_days as double) as median_tenure_days,
        cast(profiles.mean_ticket_count as double) as mean_ticket_count,
        cast(profiles.mean_support_cost as double) as mean_support_cost,
        cast(leading_industries.leading_industries as varchar) as leading_industries,
        cast(leading_countries.leading_countries as varchar) as leading_countries
    from profiles
    inner join line_totals on profiles.business_line = line_totals.business_line
    left join leading_industries
        on
            profiles.business_line = leading_industries.business_line
            and profiles.segment_id = leading_industries.segment_id
    left join leading_countries
        on
            profiles.business_line = leading_countries.business_line
            and profiles.segment_id = leading_countries.segment_id
)

select * from final
