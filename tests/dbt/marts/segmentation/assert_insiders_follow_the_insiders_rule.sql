-- The Insiders are segment 1 (var insiders_rule = top_segment) or, under the top_share rule,
-- exactly ceil(insiders_top_share x customers) customers of each business line; and the
-- `insiders` mart lists exactly them.
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

insiders as (
    select customer_key
    from {{ ref('insiders') }}
),

insiders_rule as (
    select
        {{ sql_string(var('insiders_rule')) }} as rule_name,
        {{ number_var('insiders_top_share') }} as top_share
),

line_counts as (
    select
        business_line,
        count(*) as customer_count,
        count(*) filter (where is_insider) as insider_count
    from segments
    group by business_line
),

segment_breaks as (
    select
        segments.customer_key,
        'is_insider differs from segment 1' as problem
    from segments
    cross join insiders_rule
    where
        insiders_rule.rule_name = 'top_segment'
        and (
            segments.is_insider <> (segments.segment_id = 1)
            or (segments.is_insider and segments.segment_name <> 'Insiders')
        )
),

share_breaks as (
    select
        line_counts.business_line as customer_key,
        'wrong number of Insiders in the line' as problem
    from line_counts
    cross join insiders_rule
    where
        insiders_rule.rule_name = 'top_share'
        and line_counts.insider_count
        <> ceil(insiders_rule.top_share * line_counts.customer_count)
),

flagged as (
    select customer_key
    from segments
    where is_insider
),

listing_breaks as (
    select
        coalesce(flagged.customer_key, insiders.customer_key) as customer_key,
        'insiders mart and is_insider disagree' as problem
    from flagged
    full outer join insiders on flagged.customer_key = insiders.customer_key
    where flagged.customer_key is null or insiders.customer_key is null
),

final as (
    select
        customer_key,
        problem
    from segment_breaks
    union all
    select
        customer_key,
        problem
    from share_breaks
    union all
    select
        customer_key,
        problem
    from listing_breaks
)

select * from final
