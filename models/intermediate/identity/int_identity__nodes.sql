-- One row per usable identifier (a node of the identity graph).
with

identifiers as (
    select
        identity_group_key,
        node_key,
        identifier_type,
        identifier_value
    from {{ ref('int_identity__record_identifiers') }}
    where blocked_reason is null
),

groups as (
    select
        identity_group_key,
        record_at,
        record_count
    from {{ ref('int_identity__groups') }}
),

-- a group can carry one value twice (an email and the domain its website names): count it once
node_groups as (
    select distinct
        identifiers.node_key,
        identifiers.identifier_type,
        identifiers.identifier_value,
        identifiers.identity_group_key
    from identifiers
),

-- the key is the MD5 of type and value: one type and value per key
per_node as (
    select
        node_groups.node_key,
        any_value(node_groups.identifier_type) as identifier_type,
        any_value(node_groups.identifier_value) as identifier_value,
        min(groups.record_at) as first_seen_at,
        cast(sum(groups.record_count) as bigint) as record_count
    from node_groups
    inner join groups on node_groups.identity_group_key = groups.identity_group_key
    group by node_groups.node_key
),

final as (
    select
        node_key,
        -- nodes numbered 0 .. n-1 in key order, for the components model
        row_number() over (order by node_key) - 1 as node_number,
        identifier_type || ':' || identifier_value as node_id,
        identifier_type,
        identifier_value,
        first_seen_at,
        record_count
    from per_node
)

select * from final
