-- One row per staged source record that identity resolution assigns to a customer.
with

edd_payments as (
    select
        payment_id as record_id,
        ordered_at as record_at
    from {{ ref('stg_edd__payments') }}
),

helpscout_conversations as (
    select
        conversation_id as record_id,
        created_at as record_at
    from {{ ref('stg_helpscout__conversations') }}
),

intercom_conversations as (
    select
        conversation_id as record_id,
        created_at as record_at
    from {{ ref('stg_intercom__conversations') }}
),

intercom_contacts as (
    select
        contact_id as record_id,
        created_at as record_at
    from {{ ref('stg_intercom__contacts') }}
),

drip_subscribers as (
    select
        subscriber_id as record_id,
        created_at as record_at
    from {{ ref('stg_drip__subscribers') }}
),

drip_events as (
    select
        event_id as record_id,
        occurred_at as record_at
    from {{ ref('stg_drip__events') }}
),

hubspot_contacts as (
    select
        contact_id as record_id,
        created_at as record_at
    from {{ ref('stg_hubspot__contacts') }}
),

hubspot_companies as (
    select
        company_id as record_id,
        created_at as record_at
    from {{ ref('stg_hubspot__companies') }}
),

hubspot_social_impressions as (
    select
        social_impression_id as record_id,
        month_start_date::timestamp as record_at
    from {{ ref('stg_hubspot__social_impressions') }}
),

google_analytics_events as (
    select
        event_id as record_id,
        event_at as record_at
    from {{ ref('stg_google_analytics__events') }}
),

mturk_assignments as (
    select
        assignment_id as record_id,
        submitted_at as record_at
    from {{ ref('stg_mturk__assignments') }}
),

online_retail_invoice_lines as (
    select
        invoice_line_id as record_id,
        invoiced_at as record_at
    from {{ ref('stg_online_retail__invoice_lines') }}
),

unioned as (
    select
        'edd' as source_name,
        'payments' as table_name,
        record_id,
        record_at
    from edd_payments
    union all
    select
        'helpscout' as source_name,
        'conversations' as table_name,
        record_id,
        record_at
    from helpscout_conversations
    union all
    select
        'intercom' as source_name,
        'conversations' as table_name,
        record_id,
        record_at
    from intercom_conversations
    union all
    select
        'intercom' as source_name,
        'contacts' as table_name,
        record_id,
        record_at
    from intercom_contacts
    union all
    select
        'drip' as source_name,
        'subscribers' as table_name,
        record_id,
        record_at
    from drip_subscribers
    union all
    select
        'drip' as source_name,
        'events' as table_name,
        record_id,
        record_at
    from drip_events
    union all
    select
        'hubspot' as source_name,
        'contacts' as table_name,
        record_id,
        record_at
    from hubspot_contacts
    union all
    select
        'hubspot' as source_name,
        'companies' as table_name,
        record_id,
        record_at
    from hubspot_companies
    union all
    select
        'hubspot' as source_name,
        'social_impressions' as table_name,
        record_id,
        record_at
    from hubspot_social_impressions
    union all
    select
        'google_analytics' as source_name,
        'events' as table_name,
        record_id,
        record_at
    from google_analytics_events
    union all
    select
        'mturk' as source_name,
        'batch_results' as table_name,
        record_id,
        record_at
    from mturk_assignments
    union all
    select
        'online_retail' as source_name,
        'invoice_lines' as table_name,
        record_id,
        record_at
    from online_retail_invoice_lines
),

final as (
    select
        source_name || ':' || table_name || ':' || record_id as record_key,
        source_name,
        table_name,
        record_id,
        record_at
    from unioned
)

select * from final
