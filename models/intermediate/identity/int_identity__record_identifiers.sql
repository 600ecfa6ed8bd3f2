-- One row per identifier an identity group carries, normalised, with why it is unusable. An
-- identity group is the records of one raw table with the same raw identifier values
-- (`identity_group_key`): they resolve together, so a visitor's web events are one group.
with

edd_payments as (
    select
        {{ identity_group_key('edd', 'payments') }} as identity_group_key,
        min(payment_id) as record_id,
        min(ordered_at) as record_at,
        count(*) as record_count,
        customer_id,
        email_raw
    from {{ ref('stg_edd__payments') }}
    group by
        customer_id,
        email_raw
),

helpscout_conversations as (
    select
        {{ identity_group_key('helpscout', 'conversations') }} as identity_group_key,
        min(conversation_id) as record_id,
        min(created_at) as record_at,
        count(*) as record_count,
        customer_id,
        email_raw
    from {{ ref('stg_helpscout__conversations') }}
    group by
        customer_id,
        email_raw
),

intercom_conversations as (
    select
        {{ identity_group_key('intercom', 'conversations') }} as identity_group_key,
        min(conversation_id) as record_id,
        min(created_at) as record_at,
        count(*) as record_count,
        contact_ids,
        contact_external_ids,
        -- an admin's or bot's address says nothing about the customer
        case when author_type in ('user', 'lead', 'contact') then author_email_raw end
            as author_email_raw
    from {{ ref('stg_intercom__conversations') }}
    group by
        contact_ids,
        contact_external_ids,
        case when author_type in ('user', 'lead', 'contact') then author_email_raw end
),

intercom_contacts as (
    select
        {{ identity_group_key('intercom', 'contacts') }} as identity_group_key,
        min(contact_id) as record_id,
        min(created_at) as record_at,
        count(*) as record_count,
        contact_id,
        external_id,
        email_raw
    from {{ ref('stg_intercom__contacts') }}
    group by
        contact_id,
        external_id,
        email_raw
),

drip_subscribers as (
    select
        {{ identity_group_key('drip', 'subscribers') }} as identity_group_key,
        min(subscriber_id) as record_id,
        min(created_at) as record_at,
        count(*) as record_count,
        subscriber_id,
        email_raw
    from {{ ref('stg_drip__subscribers') }}
    group by
        subscriber_id,
        email_raw
),

drip_events as (
    select
        {{ identity_group_key('drip', 'events') }} as identity_group_key,
        min(event_id) as record_id,
        min(occurred_at) as record_at,
        count(*) as record_count,
        subscriber_id,
        subscriber_email_raw
    from {{ ref('stg_drip__events') }}
    group by
        subscriber_id,
        subscriber_email_raw
),

hubspot_contacts as (
    select
        {{ identity_group_key('hubspot', 'contacts') }} as identity_group_key,
        min(contact_id) as record_id,
        min(created_at) as record_at,
        count(*) as record_count,
        contact_id,
        email_raw,
        company_id,
        website_url
    from {{ ref('stg_hubspot__contacts') }}
    group by
        contact_id,
        email_raw,
        company_id,
        website_url
),

hubspot_companies as (
    select
        {{ identity_group_key('hubspot', 'companies') }} as identity_group_key,
        min(company_id) as record_id,
        min(created_at) as record_at,
        count(*) as record_count,
        company_id,
        domain_raw,
        website_url
    from {{ ref('stg_hubspot__companies') }}
    group by
        company_id,
        domain_raw,
        website_url
),

hubspot_social_impressions as (
    select
        {{ identity_group_key('hubspot', 'social_impressions') }} as identity_group_key,
        min(social_impression_id) as record_id,
        min(month_start_date::timestamp) as record_at,
        count(*) as record_count,
        company_id
    from {{ ref('stg_hubspot__social_impressions') }}
    group by
        company_id
),

google_analytics_events as (
    select
        {{ identity_group_key('google_analytics', 'events') }} as identity_group_key,
        min(event_id) as record_id,
        min(event_at) as record_at,
        count(*) as record_count,
        user_pseudo_id,
        user_id
    from {{ ref('stg_google_analytics__events') }}
    group by
        user_pseudo_id,
        user_id
),

mturk_assignments as (
    select
        {{ identity_group_key('mturk', 'batch_results') }} as identity_group_key,
        min(assignment_id) as record_id,
        min(submitted_at) as record_at,
        count(*) as record_count,
        website_url
    from {{ ref('stg_mturk__assignments') }}
    group by
        website_url
),

online_retail_invoice_lines as (
    select
        {{ identity_group_key('online_retail', 'invoice_lines') }} as identity_group_key,
        min(invoice_line_id) as record_id,
        min(invoiced_at) as record_at,
        count(*) as record_count,
        customer_id
    from {{ ref('stg_online_retail__invoice_lines') }}
    group by
        customer_id
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
    select distinct
        identity_group_key,
        record_id,
        record_at,
        record_count,
        unnest(contact_ids) as contact_id
    from intercom_conversations
),

intercom_conversation_external_ids as (
    select distinct
        identity_group_key,
        record_id,
        record_at,
        record_count,
        unnest(contact_external_ids) as external_id
    from intercom_conversations
),

-- group, source, table, first record, time, identifier type, raw value: a branch per identifier
raw_identifiers as (
    select
        identity_group_key,
        'edd' as source_name,
        'payments' as table_name,
        record_id,
        record_at,
        record_count,
        'edd_customer' as identifier_type,
        customer_id as identifier_raw
    from edd_payments
    union all
    select
        identity_group_key,
        'edd' as source_name,
        'payments' as table_name,
        record_id,
        record_at,
        record_count,
        'email' as identifier_type,
        email_raw as identifier_raw
    from edd_payments
    union all
    select
        identity_group_key,
        'helpscout' as source_name,
        'conversations' as table_name,
        record_id,
        record_at,
        record_count,
        'helpscout_customer' as identifier_type,
        customer_id as identifier_raw
    from helpscout_conversations
    union all
    select
        identity_group_key,
        'helpscout' as source_name,
        'conversations' as table_name,
        record_id,
        record_at,
        record_count,
        'email' as identifier_type,
        email_raw as identifier_raw
    from helpscout_conversations
    union all
    select
        identity_group_key,
        'intercom' as source_name,
        'conversations' as table_name,
        record_id,
        record_at,
        record_count,
        'intercom_contact' as identifier_type,
        contact_id as identifier_raw
    from intercom_conversation_contacts
    union all
    select
        identity_group_key,
        'intercom' as source_name,
        'conversations' as table_name,
        record_id,
        record_at,
        record_count,
        'edd_customer' as identifier_type,
        external_id as identifier_raw
    from intercom_conversation_external_ids
    union all
    select
        identity_group_key,
        'intercom' as source_name,
        'conversations' as table_name,
        record_id,
        record_at,
        record_count,
        'email' as identifier_type,
        author_email_raw as identifier_raw
    from intercom_conversations
    union all
    select
        identity_group_key,
        'intercom' as source_name,
        'contacts' as table_name,
        record_id,
        record_at,
        record_count,
        'intercom_contact' as identifier_type,
        contact_id as identifier_raw
    from intercom_contacts
    union all
    select
        identity_group_key,
        'intercom' as source_name,
        'contacts' as table_name,
        record_id,
        record_at,
        record_count,
        'edd_customer' as identifier_type,
        external_id as identifier_raw
    from intercom_contacts
    union all
    select
        identity_group_key,
        'intercom' as source_name,
        'contacts' as table_name,
        record_id,
        record_at,
        record_count,
        'email' as identifier_type,
        email_raw as identifier_raw
    from intercom_contacts
    union all
    select
        identity_group_key,
        'drip' as source_name,
        'subscribers' as table_name,
        record_id,
        record_at,
        record_count,
        'drip_subscriber' as identifier_type,
        subscriber_id as identifier_raw
    from drip_subscribers
    union all
    select
        identity_group_key,
        'drip' as source_name,
        'subscribers' as table_name,
        record_id,
        record_at,
        record_count,
        'email' as identifier_type,
        email_raw as identifier_raw
    from drip_subscribers
    union all
    select
        identity_group_key,
        'drip' as source_name,
        'events' as table_name,
        record_id,
        record_at,
        record_count,
        'drip_subscriber' as identifier_type,
        subscriber_id as identifier_raw
    from drip_events
    union all
    select
        identity_group_key,
        'drip' as source_name,
        'events' as table_name,
        record_id,
        record_at,
        record_count,
        'email' as identifier_type,
        subscriber_email_raw as identifier_raw
    from drip_events
    union all
    select
        identity_group_key,
        'hubspot' as source_name,
        'contacts' as table_name,
        record_id,
        record_at,
        record_count,
        'hubspot_contact' as identifier_type,
        contact_id as identifier_raw
    from hubspot_contacts
    union all
    select
        identity_group_key,
        'hubspot' as source_name,
        'contacts' as table_name,
        record_id,
        record_at,
        record_count,
        'email' as identifier_type,
        email_raw as identifier_raw
    from hubspot_contacts
    union all
    select
        identity_group_key,
        'hubspot' as source_name,
        'contacts' as table_name,
        record_id,
        record_at,
        record_count,
        'hubspot_company' as identifier_type,
        company_id as identifier_raw
    from hubspot_contacts
    union all
    select
        identity_group_key,
        'hubspot' as source_name,
        'contacts' as table_name,
        record_id,
        record_at,
        record_count,
        'domain' as identifier_type,
        website_url as identifier_raw
    from hubspot_contacts
    union all
    select
        identity_group_key,
        'hubspot' as source_name,
        'companies' as table_name,
        record_id,
        record_at,
        record_count,
        'hubspot_company' as identifier_type,
        company_id as identifier_raw
    from hubspot_companies
    union all
    select
        identity_group_key,
        'hubspot' as source_name,
        'companies' as table_name,
        record_id,
        record_at,
        record_count,
        'domain' as identifier_type,
        domain_raw as identifier_raw
    from hubspot_companies
    union all
    select
        identity_group_key,
        'hubspot' as source_name,
        'companies' as table_name,
        record_id,
        record_at,
        record_count,
        'domain' as identifier_type,
        website_url as identifier_raw
    from hubspot_companies
    where website_url is distinct from domain_raw
    union all
    select
        identity_group_key,
        'hubspot' as source_name,
        'social_impressions' as table_name,
        record_id,
        record_at,
        record_count,
        'hubspot_company' as identifier_type,
        company_id as identifier_raw
    from hubspot_social_impressions
    union all
    select
        identity_group_key,
        'google_analytics' as source_name,
        'events' as table_name,
        record_id,
        record_at,
        record_count,
        'ga_visitor' as identifier_type,
        user_pseudo_id as identifier_raw
    from google_analytics_events
    union all
    select
        identity_group_key,
        'google_analytics' as source_name,
        'events' as table_name,
        record_id,
        record_at,
        record_count,
        'edd_customer' as identifier_type,
        user_id as identifier_raw
    from google_analytics_events
    union all
    select
        identity_group_key,
        'mturk' as source_name,
        'batch_results' as table_name,
        record_id,
        record_at,
        record_count,
        'domain' as identifier_type,
        website_url as identifier_raw
    from mturk_assignments
    union all
    select
        identity_group_key,
        'online_retail' as source_name,
        'invoice_lines' as table_name,
        record_id,
        record_at,
        record_count,
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

-- one row per group, type and raw value (the branches never repeat one): no distinct needed
final as (
    select
        raw_identifiers.identity_group_key,
        raw_identifiers.source_name,
        raw_identifiers.table_name,
        raw_identifiers.record_id,
        raw_identifiers.record_at,
        raw_identifiers.record_count,
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
