-- One row per customer with any email, web or social activity.
with

identity_map as (
    select
        source_name,
        table_name,
        record_id,
        customer_key
    from {{ ref('customer_identity_map') }}
    where customer_key is not null
),

drip_events as (
    select
        event_id,
        event_type
    from {{ ref('stg_drip__events') }}
),

web_events as (
    select
        event_id,
        event_name,
        user_pseudo_id,
        session_id
    from {{ ref('stg_google_analytics__events') }}
),

social_impressions as (
    select
        social_impression_id,
        facebook_impressions,
        instagram_impressions,
        x_impressions
    from {{ ref('stg_hubspot__social_impressions') }}
),

email as (
    select
        identity_map.customer_key,
        count(*) filter (where drip_events.event_type = 'opened_email') as email_open_count,
        count(*) filter (where drip_events.event_type = 'clicked_email') as email_click_count
    from drip_events
    inner join identity_map
        on
            identity_map.source_name = 'drip'
            and identity_map.table_name = 'events'
            and drip_events.event_id = identity_map.record_id
    group by identity_map.customer_key
),

web as (
    select
        identity_map.customer_key,
        -- a GA session id is unique within one browser (user_pseudo_id) only
        count(distinct web_events.user_pseudo_id || ':' || web_events.session_id)
            as web_session_count,
        count(*) filter (where web_events.event_name = 'page_view') as page_view_count
    from web_events
    inner join identity_map
        on
            identity_map.source_name = 'google_analytics'
            and identity_map.table_name = 'events'
            and web_events.event_id = identity_map.record_id
    group by identity_map.customer_key
),

social as (
    select
        identity_map.customer_key,
        sum(
            coalesce(social_impressions.facebook_impressions, 0)
            + coalesce(social_impressions.instagram_impressions, 0)
            + coalesce(social_impressions.x_impressions, 0)
        ) as social_impression_count
    from social_impressions
    inner join identity_map
        on
            identity_map.source_name = 'hubspot'
            and identity_map.table_name = 'social_impressions'
            and social_impressions.social_impression_id = identity_map.record_id
    group by identity_map.customer_key
),

customer_keys as (
    select customer_key from email
    union
    select customer_key from web
    union
    select customer_key from social
),

final as (
    select
        customer_keys.customer_key,
        coalesce(email.email_open_count, 0) as email_open_count,
        coalesce(email.email_click_count, 0) as email_click_count,
        coalesce(web.web_session_count, 0) as web_session_count,
        coalesce(web.page_view_count, 0) as page_view_count,
        cast(coalesce(social.social_impression_count, 0) as bigint) as social_impression_count
    from customer_keys
    left join email on customer_keys.customer_key = email.customer_key
    left join web on customer_keys.customer_key = web.customer_key
    left join social on customer_keys.customer_key = social.customer_key
)

select * from final
