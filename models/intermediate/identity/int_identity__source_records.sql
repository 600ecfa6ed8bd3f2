-- One row per staged source record that identity resolution assigns to a customer, with its
-- identity group. A view: the only reader of all rows is `customer_identity_map`.
{{ config(materialized='view') }}

with

edd_payments as (
    select
        {{ identity_group_key('edd', 'payments') }} as identity_group_key,
        payment_id as record_id,
        ordered_at as record_at
    from {{ ref('stg_edd__payments') }}
),

helpscout_conversations as (
    select
        {{ identity_group_key('helpscout', 'conversations') }} as identity_group_key,
        conversation_id as record_id,
        created_at as record_at
    from {{ ref('stg_helpscout__conversations') }}
),

intercom_conversations as (
    select
        {{ identity_group_key('intercom', 'conversations') }} as identity_group_key,
        conversation_id as record_id,
        created_at as record_at
    from {{ ref('stg_intercom__conversations') }}
),

intercom_contacts as (
    select
        {{ identity_group_key('intercom', 'contacts') }} as identity_group_key,
        contact_id as record_id,
        created_at as record_at
    from {{ ref('stg_intercom__contacts') }}
),

drip_subscribers as (
    select
        {{ identity_group_key('drip', 'subscribers') }} as identity_group_key,
        subscriber_id as record_id,
        created_at as record_at
    from {{ ref('stg_drip__subscribers') }}
),

drip_events as (
    select
        {{ identity_group_key('drip', 'events') }} as identity_group_key,
        event_id as record_id,
        occurred_at as record_at
    from {{ ref('stg_drip__events') }}
),

hubspot_contacts as (
    select
        {{ identity_group_key('hubspot', 'contacts') }} as identity_group_key,
        contact_id as record_id,
        created_at as record_at
    from {{ ref('stg_hubspot__contacts') }}
),

hubspot_companies as (
    select
        {{ identity_group_key('hubspot', 'companies') }} as identity_group_key,
        company_id as record_id,
        created_at as record_at
    from {{ ref('stg_hubspot__companies') }}
),

hubspot_social_impressions as (
    select
        {{ identity_group_key('hubspot', 'social_impressions') }} as identity_group_key,
        social_impression_id as record_id,
        month_start_date::timestamp as record_at
    from {{ ref('stg_hubspot__social_impressions') }}
),

google_analytics_events as (
    select
        {{ identity_group_key('google_analytics', 'events') }} as identity_group_key,
        event_id as record_id,
        event_at as record_at
    from {{ ref('stg_google_analytics__events') }}
),

mturk_assignments as (
    select
        {{ identity_group_key('mturk', 'batch_results') }} as identity_group_key,
        assignment_id as record_id,
        submitted_at as record_at
    from {{ ref('stg_mturk__assignments') }}
),

online_retail_invoice_lines as (
    select
        {{ identity_group_key('online_retail', 'invoice_lines') }} as identity_group_key,
        invoice_line_id as record_id,
        invoiced_at as record_at
    from {{ ref('stg_online_retail__invoice_lines') }}
),

unioned as (
    select
        'edd' as source_name,
        'payments' as table_name,
        record_id,
        record_at,
        identity_group_key
    from edd_payments
    union all
    select
        'helpscout' as source_name,
        'conversations' as table_name,
        record_id,
        record_at,
        identity_group_key
    from helpscout_conversations
    union all
    select
        'intercom' as source_name,
        'conversations' as table_name,
        record_id,
        record_at,
        identity_group_key
    from intercom_conversations
    union all
    select
        'intercom' as source_name,
        'contacts' as table_name,
        record_id,
        record_at,
        identity_group_key
    from intercom_contacts
    union all
    select
        'drip' as source_name,
        'subscribers' as table_name,
        record_id,
        record_at,
        identity_group_key
    from drip_subscribers
    union all
    select
        'drip' as source_name,
        'events' as table_name,
        record_id,
        record_at,
        identity_group_key
    from drip_events
    union all
    select
        'hubspot' as source_name,
        'contacts' as table_name,
        record_id,
        record_at,
        identity_group_key
    from hubspot_contacts
    union all
    select
        'hubspot' as source_name,
        'companies' as table_name,
        record_id,
        record_at,
        identity_group_key
    from hubspot_companies
    union all
    select
        'hubspot' as source_name,
        'social_impressions' as table_name,
        record_id,
        record_at,
        identity_group_key
    from hubspot_social_impressions
    union all
    select
        'google_analytics' as source_name,
        'events' as table_name,
        record_id,
        record_at,
        identity_group_key
    from google_analytics_events
    union all
    select
        'mturk' as source_name,
        'batch_results' as table_name,
        record_id,
        record_at,
        identity_group_key
    from mturk_assignments
    union all
    select
        'online_retail' as source_name,
        'invoice_lines' as table_name,
        record_id,
        record_at,
        identity_group_key
    from online_retail_invoice_lines
),

final as (
    select
        source_name || ':' || table_name || ':' || record_id as record_key,
        source_name,
        table_name,
        record_id,
        record_at,
        identity_group_key
    from unioned
)

select * from final
