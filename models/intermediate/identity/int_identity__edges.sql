-- One row per pair of usable identifiers that appear together in at least one source record.
-- A domain read from an email is linked to that email only, not to the rest of the record, so
-- a shared mailbox that is held back cannot link customers through its domain instead.
with

usable as (
    select
        identity_group_key,
        source_name,
        table_name,
        record_id,
        record_count,
        node_id,
        derived_from_node_id
    from {{ ref('int_identity__record_identifiers') }}
    where blocked_reason is null
),

identifiers as (
    select distinct
        identity_group_key,
        source_name,
        table_name,
        record_id,
        record_count,
        node_id
    from usable
    where derived_from_node_id is null
),

derived_pairs as (
    select distinct
        least(derived_from_node_id, node_id) as node_a,
        greatest(derived_from_node_id, node_id) as node_b,
        identity_group_key,
        source_name,
        table_name,
        record_id,
        record_count
    from usable
    where derived_from_node_id is not null
),

group_pairs as (
    select
        left_side.node_id as node_a,
        right_side.node_id as node_b,
        left_side.identity_group_key,
        left_side.source_name,
        left_side.table_name,
        left_side.record_id,
        left_side.record_count
    from identifiers as left_side
    inner join identifiers as right_side
        on
            left_side.identity_group_key = right_side.identity_group_key
            and left_side.node_id < right_side.node_id
),

pairs as (
    select
        node_a,
        node_b,
        identity_group_key,
        source_name,
        table_name,
        record_id,
        record_count
    from group_pairs
    union distinct
    select
        node_a,
        node_b,
        identity_group_key,
        source_name,
        table_name,
        record_id,
        record_count
    from derived_pairs
),

final as (
    select
        node_a,
        node_b,
        cast(sum(record_count) as bigint) as record_count,
        -- the first record (by record key) that joins the two, to explain the link; a group's
        -- record_id is its first record's
        arg_min(source_name, (source_name, table_name, record_id)) as source_name,
        arg_min(table_name, (source_name, table_name, record_id)) as table_name,
        arg_min(record_id, (source_name, table_name, record_id)) as record_id
    from pairs
    group by node_a, node_b
)

select * from final
