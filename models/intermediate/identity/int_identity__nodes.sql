-- One row per usable identifier (a node of the identity graph).
with

identifiers as (
    select distinct
        node_id,
        identifier_type,
        identifier_value,
        identity_group_key,
        record_count,
        record_at
    from {{ ref('int_identity__record_identifiers') }}
    where blocked_reason is null
),

final as (
    select
        node_id,
        identifier_type,
        identifier_value,
        min(record_at) as first_seen_at,
        cast(sum(record_count) as bigint) as record_count
    from identifiers
    group by node_id, identifier_type, identifier_value
)

select * from final
