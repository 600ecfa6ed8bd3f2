-- One row per identifier a staged source record carries, normalised, with why it is unusable.
with

edd_payments as (
    select
        payment_id,
        ordered_at,
        customer_id,
        email_raw
    from {{ ref('stg_edd__payments') }}
),

helpscout_conversations as (
    select
        conversation_id,
        created_at,
        customer_id,
        email_raw
    from {{ ref('stg_helpscout__conversations') }}
),

intercom_conversations as (
    select
        conversation_id,
        created_at,
        contact_ids,
        contact_external_ids,
        -- an admin's or bot's address says nothing about the customer
        case when author_type in ('user', 'lead', 'contact') then author_email_raw end
            as author_email_raw
    from {{ ref('stg_intercom__conversations') }}
),

intercom_contacts as (
    select
        contact_id,
        created_at,
        external_id,
        email_raw
    from {{ ref('stg_intercom__contacts') }}
),

drip_subscribers as (
    select
        subscriber_id,
        created_at,
        email_raw
    from {{ ref('stg_drip__subscribers') }}
),

drip_events as (
    select
        event_id,
        occurred_at,
        subscriber_id,
        subscriber_email_raw
    from {{ ref('stg_drip__events') }}
),

hubspot_contacts as (
    select
        contact_id,
        created_at,
        email_raw,
        company_id,
        website_url
    from {{ ref('stg_hubspot__contacts') }}
),

hubspot_companies as (
    select
        company_id,
        created_at,
        domain_raw,
        website_url
    from {{ ref('stg_hubspot__companies') }}
),

hubspot_social_impressions as (
    select
        social_impression_id,
        month_start_date,
        company_id
    from {{ ref('stg_hubspot__social_impressions') }}
),

google_analytics_events as (
    select
        event_id,
        event_at,
        user_pseudo_id,
        user_id
    from {{ ref('stg_google_analytics__events') }}
),

mturk_assignments as (
    select
        assignment_id,
        submitted_at,
        website_url
    from {{ ref('stg_mturk__assignments') }}
),

online_retail_invoice_lines as (
    select
        invoice_line_id,
        invoiced_at,
        customer_id
    from {{ ref('stg_online_retail__invoice_lines') }}
),

shared_domains as (
    select
        domain,
        kind
    from {{ ref('shared_domains') }}
),

junk_identifiers as (
    select
        identifier_type,
        identifier_value,
        reason
    from {{ ref('junk_identifiers') }}
),

intercom_conversation_contacts as (
    select
        conversation_id,
        created_at,
        unnest(contact_ids) as contact_id
    from intercom_conversations
),

intercom_conversation_external_ids as (
    select
        conversation_id,
        created_at,
        unnest(contact_external_ids) as external_id
    from intercom_conversations
),

-- source, table, record id, time, identifier type, raw value: one branch per identifier
raw_identifiers as (
    select
        'edd' as source_name,
        'payments' as table_name,
        payment_id as record_id,
        ordered_at as record_at,
        'edd_customer' as identifier_type,
        customer_id as identifier_raw
    from edd_payments
    union all
    select
        'edd' as source_name,
        'payments' as table_name,
        payment_id as record_id,
        ordered_at as record_at,
        'email' as identifier_type,
        email_raw as identifier_raw
    from edd_payments
    union all
    select
        'helpscout' as source_name,
        'conversations' as table_name,
        conversation_id as record_id,
        created_at as record_at,
        'helpscout_customer' as identifier_type,
        customer_id as identifier_raw
    from helpscout_conversations
    union all
    select
        'helpscout' as source_name,
        'conversations' as table_name,
        conversation_id as record_id,
        created_at as record_at,
        'email' as identifier_type,
        email_raw as identifier_raw
    from helpscout_conversations
    union all
    select
        'intercom' as source_name,
        'conversations' as table_name,
        conversation_id as record_id,
        created_at as record_at,
        'intercom_contact' as identifier_type,
        contact_id as identifier_raw
    from intercom_conversation_contacts
    union all
    select
        'intercom' as source_name,
        'conversations' as table_name,
        conversation_id as record_id,
        created_at as record_at,
        'edd_customer' as identifier_type,
        external_id as identifier_raw
    from intercom_conversation_external_ids
    union all
    select
        'intercom' as source_name,
        'conversations' as table_name,
        conversation_id as record_id,
        created_at as record_at,
        'email' as identifier_type,
        author_email_raw as identifier_raw
    from intercom_conversations
    union all
    select
        'intercom' as source_name,
        'contacts' as table_name,
        contact_id as record_id,
        created_at as record_at,
        'intercom_contact' as identifier_type,
        contact_id as identifier_raw
    from intercom_contacts
    union all
    select
        'intercom' as source_name,
        'contacts' as table_name,
        contact_id as record_id,
        created_at as record_at,
        'edd_customer' as identifier_type,
        external_id as identifier_raw
    from intercom_contacts
    union all
    select
        'intercom' as source_name,
        'contacts' as table_name,
        contact_id as record_id,
        created_at as record_at,
        'email' as identifier_type,
        email_raw as identifier_raw
    from intercom_contacts
    union all
    select
        'drip' as source_name,
        'subscribers' as table_name,
        subscriber_id as record_id,
        created_at as record_at,
        'drip_subscriber' as identifier_type,
        subscriber_id as identifier_raw
    from drip_subscribers
    union all
    select
        'drip' as source_name,
        'subscribers' as table_name,
        subscriber_id as record_id,
        created_at as record_at,
        'email' as identifier_type,
        email_raw as identifier_raw
    from drip_subscribers
    union all
    select
        'drip' as source_name,
        'events' as table_name,
        event_id as record_id,
        occurred_at as record_at,
        'drip_subscriber' as identifier_type,
        subscriber_id as identifier_raw
    from drip_events
    union all
    select
        'drip' as source_name,
        'events' as table_name,
        event_id as record_id,
        occurred_at as record_at,
        'email' as identifier_type,
        subscriber_email_raw as identifier_raw
    from drip_events
    union all
    select
        'hubspot' as source_name,
        'contacts' as table_name,
        contact_id as record_id,
        created_at as record_at,
        'hubspot_contact' as identifier_type,
        contact_id as identifier_raw
    from hubspot_contacts
    union all
    select
        'hubspot' as source_name,
        'contacts' as table_name,
        contact_id as record_id,
        created_at as record_at,
        'email' as identifier_type,
        email_raw as identifier_raw
    from hubspot_contacts
    union all
    select
        'hubspot' as source_name,
        'contacts' as table_name,
        contact_id as record_id,
        created_at as record_at,
        'hubspot_company' as identifier_type,
        company_id as identifier_raw
    from hubspot_contacts
    union all
    select
        'hubspot' as source_name,
        'contacts' as table_name,
        contact_id as record_id,
        created_at as record_at,
        'domain' as identifier_type,
        website_url as identifier_raw
    from hubspot_contacts
    union all
    select
        'hubspot' as source_name,
        'companies' as table_name,
        company_id as record_id,
        created_at as record_at,
        'hubspot_company' as identifier_type,
        company_id as identifier_raw
    from hubspot_companies
    union all
    select
        'hubspot' as source_name,
        'companies' as table_name,
        company_id as record_id,
        created_at as record_at,
        'domain' as identifier_type,
        domain_raw as identifier_raw
    from hubspot_companies
    union all
    select
        'hubspot' as source_name,
        'companies' as table_name,
        company_id as record_id,
        created_at as record_at,
        'domain' as identifier_type,
        website_url as identifier_raw
    from hubspot_companies
    union all
    select
        'hubspot' as source_name,
        'social_impressions' as table_name,
        social_impression_id as record_id,
        month_start_date::timestamp as record_at,
        'hubspot_company' as identifier_type,
        company_id as identifier_raw
    from hubspot_social_impressions
    union all
    select
        'google_analytics' as source_name,
        'events' as table_name,
        event_id as record_id,
        event_at as record_at,
        'ga_visitor' as identifier_type,
        user_pseudo_id as identifier_raw
    from google_analytics_events
    union all
    select
        'google_analytics' as source_name,
        'events' as table_name,
        event_id as record_id,
        event_at as record_at,
        'edd_customer' as identifier_type,
        user_id as identifier_raw
    from google_analytics_events
    union all
    select
        'mturk' as source_name,
        'batch_results' as table_name,
        assignment_id as record_id,
        submitted_at as record_at,
        'domain' as identifier_type,
        website_url as identifier_raw
    from mturk_assignments
    union all
    select
        'online_retail' as source_name,
        'invoice_lines' as table_name,
        invoice_line_id as record_id,
        invoiced_at as record_at,
        'retail_customer' as identifier_type,
        customer_id as identifier_raw
    from online_retail_invoice_lines
),

-- normalising and checking work on distinct values: far fewer than identifier rows
raw_values as (
    select distinct
        identifier_type,
        identifier_raw
    from raw_identifiers
    where nullif(trim(identifier_raw), '') is not null
),

normalized as (
    select
        identifier_type as raw_type,
        identifier_type,
        identifier_raw,
        case identifier_type
            when 'email' then {{ normalize_email('identifier_raw') }}
            when 'domain' then {{ url_domain('identifier_raw') }}
            else trim(identifier_raw)
        end as identifier_value
    from raw_values
),

-- a usable business email also names its company's domain
email_domains as (
    select
        normalized.raw_type,
        'domain' as identifier_type,
        normalized.identifier_raw,
        {{ email_domain('normalized.identifier_value') }} as identifier_value,
        'email:' || normalized.identifier_value as derived_from_node_id
    from normalized
    left join junk_identifiers
        on
            normalized.identifier_value = junk_identifiers.identifier_value
            and junk_identifiers.identifier_type in ('email', '*')
    where
        normalized.identifier_type = 'email'
        and normalized.identifier_value is not null
        and junk_identifiers.reason is null
        and {{ junk_identifier_reason("'email'", 'normalized.identifier_value') }} is null
),

all_values as (
    select
        raw_type,
        identifier_type,
        identifier_raw,
        identifier_value,
        null::varchar as derived_from_node_id
    from normalized
    union all
    select
        raw_type,
        identifier_type,
        identifier_raw,
        identifier_value,
        derived_from_node_id
    from email_domains
),

checked as (
    select
        all_values.*,
        case
            when all_values.identifier_value is null then 'invalid_value'
            when junk_identifiers.reason is not null then junk_identifiers.reason
            when
                {{ junk_identifier_reason(
                    'all_values.identifier_type', 'all_values.identifier_value'
                ) }} is not null
                then {{ junk_identifier_reason(
                    'all_values.identifier_type', 'all_values.identifier_value'
                ) }}
            when shared_domains.kind is not null then shared_domains.kind || '_domain'
        end as blocked_reason
    from all_values
    left join junk_identifiers
        on
            lower(all_values.identifier_value) = junk_identifiers.identifier_value
            and junk_identifiers.identifier_type in (all_values.identifier_type, '*')
    left join shared_domains
        on
            all_values.identifier_type = 'domain'
            and all_values.identifier_value = shared_domains.domain
),

final as (
    select distinct
        raw_identifiers.source_name
        || ':' || raw_identifiers.table_name
        || ':' || raw_identifiers.record_id as record_key,
        raw_identifiers.source_name,
        raw_identifiers.table_name,
        raw_identifiers.record_id,
        raw_identifiers.record_at,
        checked.identifier_type,
        checked.identifier_raw,
        checked.identifier_value,
        checked.identifier_type || ':' || checked.identifier_value as node_id,
        checked.derived_from_node_id,
        checked.blocked_reason
    from raw_identifiers
    inner join checked
        on
            raw_identifiers.identifier_type = checked.raw_type
            and raw_identifiers.identifier_raw = checked.identifier_raw
)

select * from final
