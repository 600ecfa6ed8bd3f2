with

group_customers as (
    select
        customer_key,
        source_name,
        table_name,
        record_id,
        record_at,
        record_count
    from {{ ref('int_identity__group_customers') }}
    where customer_key is not null
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

per_source as (
    select
        customer_key,
        source_name,
        min(record_at) as first_seen_at,
        cast(sum(record_count) as bigint) as records
    from group_customers
    group by customer_key, source_name
),

record_counts as (
    select
        customer_key,
        min(first_seen_at) as first_seen_at,
        coalesce(max(records) filter (where source_name = 'edd'), 0) as edd_records,
        coalesce(max(records) filter (where source_name = 'helpscout'), 0) as helpscout_records,
        coalesce(max(records) filter (where source_name = 'intercom'), 0) as intercom_records,
        coalesce(max(records) filter (where source_name = 'drip'), 0) as drip_records,
        coalesce(max(records) filter (where source_name = 'hubspot'), 0) as hubspot_records,
        coalesce(max(records) filter (where source_name = 'google_analytics'), 0)
            as google_analytics_records,
        coalesce(max(records) filter (where source_name = 'mturk'), 0) as mturk_records,
        coalesce(max(records) filter (where source_name = 'online_retail'), 0)
            as online_retail_records,
        cast(sum(records) as bigint) as total_records
    from per_source
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
        group_customers.customer_key,
        arg_max(companies.company_name, (companies.updated_at, companies.company_id))
            as company_name
    from group_customers
    -- a company's group is that one company (its id is one of the group's identifiers)
    inner join companies
        on
            group_customers.source_name = 'hubspot'
            and group_customers.table_name = 'companies'
            and group_customers.record_id = companies.company_id
    group by group_customers.customer_key
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
