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

source_records as (
    select
        source_name,
        table_name,
        record_id,
        record_at
    from {{ ref('int_identity__source_records') }}
),

node_customers as (
    select
        node_id,
        identifier_type,
        customer_key
    from {{ ref('int_identity__node_customers') }}
),

nodes as (
    select
        node_id,
        identifier_value,
        record_count
    from {{ ref('int_identity__nodes') }}
),

companies as (
    select
        company_id,
        company_name,
        updated_at
    from {{ ref('stg_hubspot__companies') }}
),

customer_records as (
    select
        identity_map.customer_key,
        identity_map.source_name,
        identity_map.table_name,
        identity_map.record_id,
        source_records.record_at
    from identity_map
    inner join source_records
        on
            identity_map.source_name = source_records.source_name
            and identity_map.table_name = source_records.table_name
            and identity_map.record_id = source_records.record_id
),

record_counts as (
    select
        customer_key,
        min(record_at) as first_seen_at,
        count(*) filter (where source_name = 'edd') as edd_records,
        count(*) filter (where source_name = 'helpscout') as helpscout_records,
        count(*) filter (where source_name = 'intercom') as intercom_records,
        count(*) filter (where source_name = 'drip') as drip_records,
        count(*) filter (where source_name = 'hubspot') as hubspot_records,
        count(*) filter (where source_name = 'google_analytics') as google_analytics_records,
        count(*) filter (where source_name = 'mturk') as mturk_records,
        count(*) filter (where source_name = 'online_retail') as online_retail_records,
        count(*) as total_records
    from customer_records
    group by customer_key
),

domains as (
    select
        node_customers.customer_key,
        -- the business domain most records carry
        arg_max(nodes.identifier_value, (nodes.record_count, nodes.identifier_value))
            as primary_domain
    from node_customers
    inner join nodes on node_customers.node_id = nodes.node_id
    where node_customers.identifier_type = 'domain'
    group by node_customers.customer_key
),

contacts as (
    select
        customer_key,
        count(*) filter (where identifier_type = 'email') as contact_emails
    from node_customers
    group by customer_key
),

company_names as (
    select
        customer_records.customer_key,
        arg_max(companies.company_name, (companies.updated_at, companies.company_id))
            as company_name
    from customer_records
    inner join companies
        on
            customer_records.source_name = 'hubspot'
            and customer_records.table_name = 'companies'
            and customer_records.record_id = companies.company_id
    group by customer_records.customer_key
),

final as (
    select
        record_counts.customer_key,
        domains.primary_domain,
        domains.primary_domain is not null as is_business,
        coalesce(company_names.company_name, domains.primary_domain) as display_name,
        record_counts.edd_records + record_counts.online_retail_records > 0 as has_orders,
        record_counts.first_seen_at,
        coalesce(contacts.contact_emails, 0) as contact_emails,
        record_counts.edd_records,
        record_counts.helpscout_records,
        record_counts.intercom_records,
        record_counts.drip_records,
        record_counts.hubspot_records,
        record_counts.google_analytics_records,
        record_counts.mturk_records,
        record_counts.online_retail_records,
        record_counts.total_records
    from record_counts
    left join domains on record_counts.customer_key = domains.customer_key
    left join contacts on record_counts.customer_key = contacts.customer_key
    left join company_names on record_counts.customer_key = company_names.customer_key
)

select * from final
