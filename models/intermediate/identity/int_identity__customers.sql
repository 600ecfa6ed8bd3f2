-- One row per customer: what identity resolution knows of them (domain, name, records per tool).
with

group_customers as (
    select
        resolved.customer_number,
        resolved.customer_key,
        identity_groups.source_name,
        identity_groups.table_name,
        identity_groups.record_id,
        identity_groups.record_at,
        identity_groups.record_count
    from {{ ref('int_identity__group_customers') }} as resolved
    inner join {{ ref('int_identity__groups') }} as identity_groups
        on resolved.identity_group_key = identity_groups.identity_group_key
    where resolved.customer_key is not null
),

node_customers as (
    select
        node_key,
        identifier_type,
        customer_number
    from {{ ref('int_identity__node_customers') }}
),

nodes as (
    select
        node_key,
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

-- aggregated by customer number (an integer, in key order) rather than by the text key
record_counts as (
    select
        customer_number,
        any_value(customer_key) as customer_key,
        min(record_at) as first_seen_at,
        -- one count per source of the registry (macros/registry/source_registry.sql)
        {%- for source_name in registry_sources() %}
            cast(
                coalesce(sum(record_count) filter (where source_name = '{{ source_name }}'), 0)
                as bigint
            ) as {{ source_name }}_records,
        {%- endfor %}
        cast(sum(record_count) as bigint) as total_records,
        -- records of the raw tables that hold orders (registry: holds_orders)
        coalesce(sum(record_count) filter (
            where
            {%- for entry in registry_tables() | selectattr('holds_orders') %}
                (source_name = '{{ entry.source }}' and table_name = '{{ entry.table }}')
                {{- " or" if not loop.last }}
            {%- endfor %}
        ), 0) > 0 as has_orders
    from group_customers
    group by customer_number
),

domains as (
    select
        node_customers.customer_number,
        -- the business domain most records carry
        arg_max(nodes.identifier_value, (nodes.record_count, nodes.identifier_value))
            as primary_domain
    from node_customers
    inner join nodes on node_customers.node_key = nodes.node_key
    where node_customers.identifier_type = 'domain'
    group by node_customers.customer_number
),

contacts as (
    select
        customer_number,
        count(*) filter (where identifier_type = 'email') as contact_emails
    from node_customers
    group by customer_number
),

company_names as (
    select
        group_customers.customer_number,
        arg_max(companies.company_name, (companies.updated_at, companies.company_id))
            as company_name
    from group_customers
    -- a company's group is that one company (its id is one of the group's identifiers)
    inner join companies
        on
            group_customers.source_name = 'hubspot'
            and group_customers.table_name = 'companies'
            and group_customers.record_id = companies.company_id
    group by group_customers.customer_number
),

final as (
    select
        record_counts.customer_key,
        domains.primary_domain,
        domains.primary_domain is not null as is_business,
        coalesce(company_names.company_name, domains.primary_domain) as display_name,
        record_counts.has_orders,
        record_counts.first_seen_at,
        coalesce(contacts.contact_emails, 0) as contact_emails,
        {%- for source_name in registry_sources() %}
            record_counts.{{ source_name }}_records,
        {%- endfor %}
        record_counts.total_records
    from record_counts
    left join domains on record_counts.customer_number = domains.customer_number
    left join contacts on record_counts.customer_number = contacts.customer_number
    left join company_names on record_counts.customer_number = company_names.customer_number
)

select * from final
