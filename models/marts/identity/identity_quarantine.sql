with

record_identifiers as (
    select
        identifier_type,
        identifier_raw,
        identifier_value,
        blocked_reason,
        identity_group_key
    from {{ ref('int_identity__record_identifiers') }}
    where blocked_reason is not null
),

groups as (
    select
        identity_group_key,
        record_count,
        record_at
    from {{ ref('int_identity__groups') }}
),

-- one row per identifier and group: a group may carry the same value twice
blocked_groups as (
    select distinct
        record_identifiers.identifier_type,
        coalesce(record_identifiers.identifier_value, trim(record_identifiers.identifier_raw))
            as identifier_value,
        record_identifiers.blocked_reason,
        record_identifiers.identity_group_key,
        groups.record_count,
        groups.record_at
    from record_identifiers
    inner join groups on record_identifiers.identity_group_key = groups.identity_group_key
),

components as (
    select
        node_number,
        held_back_reason,
        linked_components
    from {{ ref('int_identity__components') }}
    where is_held_back
),

nodes as (
    select
        node_number,
        identifier_type,
        identifier_value,
        first_seen_at,
        record_count
    from {{ ref('int_identity__nodes') }}
),

blocked as (
    select
        identifier_type,
        identifier_value,
        blocked_reason as reason,
        cast(sum(record_count) as bigint) as record_count,
        cast(null as bigint) as linked_customers,
        min(record_at) as first_seen_at
    from blocked_groups
    group by identifier_type, identifier_value, blocked_reason
),

held_back as (
    select
        nodes.identifier_type,
        nodes.identifier_value,
        components.held_back_reason as reason,
        nodes.record_count,
        cast(components.linked_components as bigint) as linked_customers,
        nodes.first_seen_at
    from components
    inner join nodes on components.node_number = nodes.node_number
),

unioned as (
    select
        identifier_type,
        identifier_value,
        reason,
        record_count,
        linked_customers,
        first_seen_at
    from blocked
    union all
    select
        identifier_type,
        identifier_value,
        reason,
        record_count,
        linked_customers,
        first_seen_at
    from held_back
),

final as (
    select
        {{ dbt.hash("identifier_type || ':' || identifier_value || ':' || reason") }}
            as quarantined_identifier_id,
        identifier_type,
        identifier_value,
        reason,
        record_count,
        linked_customers,
        first_seen_at
    from unioned
)

select * from final
