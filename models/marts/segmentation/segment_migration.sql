-- Customers moving between segments from one period end to the next: for each business line
-- and pair of consecutive period ends, the customers present at the later one by their
-- segment before (0: new buyers since) and now, with their net revenue to date. Each pair of
-- period ends sums to the customers present at the later one.
with

segments as (
    select
        customer_key,
        business_line,
        period_end_date,
        segment_id,
        net_revenue
    from {{ ref('int_segmentation__period_segments') }}
),

period_ends as (
    select distinct
        business_line,
        period_end_date
    from segments
),

consecutive as (
    select
        business_line,
        period_end_date,
        lag(period_end_date) over (
            partition by business_line order by period_end_date
        ) as previous_period_end_date
    from period_ends
),

moves as (
    select
        consecutive.business_line,
        consecutive.previous_period_end_date,
        consecutive.period_end_date,
        coalesce(earlier.segment_id, 0) as from_segment_id,
        later.segment_id as to_segment_id,
        later.net_revenue
    from consecutive
    inner join segments as later
        on
            consecutive.business_line = later.business_line
            and consecutive.period_end_date = later.period_end_date
    left join segments as earlier
        on
            later.business_line = earlier.business_line
            and later.customer_key = earlier.customer_key
            and consecutive.previous_period_end_date = earlier.period_end_date
    where consecutive.previous_period_end_date is not null
),

final as (
    select
        business_line,
        previous_period_end_date,
        period_end_date,
        cast(from_segment_id as integer) as from_segment_id,
        cast(to_segment_id as integer) as to_segment_id,
        count(*) as customer_count,
        cast(sum(net_revenue) as decimal(18, 2)) as net_revenue
    from moves
    group by all
    order by business_line, period_end_date, from_segment_id, to_segment_id
)

select * from final
