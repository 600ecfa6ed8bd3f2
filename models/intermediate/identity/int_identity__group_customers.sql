-- One row per identity group that carries an identifier: its customer, or why it has none.
with

record_identifiers as (
    select
        identity_group_key,
        source_name,
        table_name,
        record_id,
        record_at,
        record_count,
        node_id,
        identifier_type,
        derived_from_node_id,
        blocked_reason
    from {{ ref('int_identity__record_identifiers') }}
),

node_customers as (
    select
        node_id,
        customer_key
    from {{ ref('int_identity__node_customers') }}
),

groups as (
    select
        identity_group_key,
        any_value(source_name) as source_name,
        any_value(table_name) as table_name,
        any_value(record_id) as record_id,
        any_value(record_at) as record_at,
        any_value(record_count) as record_count,
        count(*) filter (where blocked_reason is null) as usable_identifiers
    from record_identifiers
    group by identity_group_key
),

linked as (
    select
        record_identifiers.identity_group_key,
        record_identifiers.identifier_type,
        node_customers.customer_key,
        -- which identifier we credit with the match, strongest kind first
        case record_identifiers.identifier_type
            when 'edd_customer' then 1
            when 'email' then 2
            when 'hubspot_contact' then 3
            when 'hubspot_company' then 4
            when 'domain' then 5
            when 'intercom_contact' then 6
            when 'helpscout_customer' then 7
            when 'drip_subscriber' then 8
            when 'retail_customer' then 9
            when 'ga_visitor' then 10
        end as identifier_rank
    from record_identifiers
    inner join node_customers on record_identifiers.node_id = node_customers.node_id
    -- a domain read from a held-back email says nothing about this group's customer
    left join node_customers as email_customers
        on record_identifiers.derived_from_node_id = email_customers.node_id
    where
        record_identifiers.blocked_reason is null
        and (
            record_identifiers.derived_from_node_id is null
            or email_customers.node_id is not null
        )
),

per_group as (
    select
        identity_group_key,
        min(customer_key) as customer_key,
        count(distinct customer_key) as customer_key_count,
        arg_min(identifier_type, identifier_rank) as matched_on
    from linked
    group by identity_group_key
),

final as (
    select
        groups.identity_group_key,
        groups.source_name,
        groups.table_name,
        groups.record_id,
        groups.record_at,
        groups.record_count,
        per_group.customer_key,
        per_group.matched_on,
        coalesce(per_group.customer_key_count, 0) as customer_key_count,
        case
            when per_group.customer_key is not null then null
            when groups.usable_identifiers = 0 then 'identifiers_blocked'
            else 'identifiers_held_back'
        end as unresolved_reason
    from groups
    left join per_group on groups.identity_group_key = per_group.identity_group_key
)

select * from final
