with

records as (
    select
        record_key,
        source_name,
        table_name,
        record_id
    from {{ ref('int_identity__source_records') }}
),

record_identifiers as (
    select
        record_key,
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

linked as (
    select
        record_identifiers.record_key,
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
    -- a domain read from a held-back email says nothing about this record's customer
    left join node_customers as email_customers
        on record_identifiers.derived_from_node_id = email_customers.node_id
    where
        record_identifiers.blocked_reason is null
        and (
            record_identifiers.derived_from_node_id is null
            or email_customers.node_id is not null
        )
),

per_record as (
    select
        record_key,
        min(customer_key) as customer_key,
        count(distinct customer_key) as customer_key_count,
        arg_min(identifier_type, identifier_rank) as matched_on
    from linked
    group by record_key
),

identifier_counts as (
    select
        record_key,
        count(*) as identifiers,
        count(*) filter (where blocked_reason is null) as usable_identifiers
    from record_identifiers
    group by record_key
),

final as (
    select
        records.record_key,
        records.source_name,
        records.table_name,
        records.record_id,
        per_record.customer_key,
        per_record.matched_on,
        coalesce(per_record.customer_key_count, 0) as customer_key_count,
        case
            when per_record.customer_key is not null then null
            when coalesce(identifier_counts.identifiers, 0) = 0 then 'no_identifier'
            when identifier_counts.usable_identifiers = 0 then 'identifiers_blocked'
            else 'identifiers_held_back'
        end as unresolved_reason
    from records
    left join per_record on records.record_key = per_record.record_key
    left join identifier_counts on records.record_key = identifier_counts.record_key
)

select * from final
