-- One row per pair of usable identifiers that appear together in at least one identity group,
-- by node key (the smaller first). A domain read from an email is linked to that email only,
-- not to the rest of the record, so a shared mailbox that is held back cannot link customers
-- through its domain instead.
with

usable as (
    select
        identity_group_key,
        node_key,
        derived_from_node_key
    from {{ ref('int_identity__record_identifiers') }}
    where blocked_reason is null
),

groups as (
    select
        identity_group_key,
        source_name,
        table_name,
        record_id,
        record_count
    from {{ ref('int_identity__groups') }}
),

identifiers as (
    select distinct
        identity_group_key,
        node_key
    from usable
    where derived_from_node_key is null
),

derived_pairs as (
    select distinct
        least(derived_from_node_key, node_key) as node_a_key,
        greatest(derived_from_node_key, node_key) as node_b_key,
        identity_group_key
    from usable
    where derived_from_node_key is not null
),

group_pairs as (
    select
        left_side.node_key as node_a_key,
        right_side.node_key as node_b_key,
        left_side.identity_group_key
    from identifiers as left_side
    inner join identifiers as right_side
        on
            left_side.identity_group_key = right_side.identity_group_key
            and left_side.node_key < right_side.node_key
),

pairs as (
    select
        node_a_key,
        node_b_key,
        identity_group_key
    from group_pairs
    union distinct
    select
        node_a_key,
        node_b_key,
        identity_group_key
    from derived_pairs
),

per_pair as (
    select
        pairs.node_a_key,
        pairs.node_b_key,
        cast(sum(groups.record_count) as bigint) as record_count,
        -- an example group that joins the two, to explain the link
        min(pairs.identity_group_key) as example_group_key
    from pairs
    inner join groups on pairs.identity_group_key = groups.identity_group_key
    group by pairs.node_a_key, pairs.node_b_key
),

final as (
    select
        per_pair.node_a_key,
        per_pair.node_b_key,
        per_pair.record_count,
        groups.source_name,
        groups.table_name,
        groups.record_id
    from per_pair
    inner join groups on per_pair.example_group_key = groups.identity_group_key
)

select * from final
