-- One row per pair of usable identifiers that appear together in at least one source record.
-- A domain read from an email is linked to that email only, not to the rest of the record, so
-- a shared mailbox that is held back cannot link customers through its domain instead.
with

usable as (
    select
        record_key,
        source_name,
        table_name,
        record_id,
        node_id,
        derived_from_node_id
    from {{ ref('int_identity__record_identifiers') }}
    where blocked_reason is null
),

identifiers as (
    select distinct
        record_key,
        source_name,
        table_name,
        record_id,
        node_id
    from usable
    where derived_from_node_id is null
),

derived_pairs as (
    select distinct
        least(derived_from_node_id, node_id) as node_a,
        greatest(derived_from_node_id, node_id) as node_b,
        record_key,
        source_name,
        table_name,
        record_id
    from usable
    where derived_from_node_id is not null
),

record_pairs as (
    select
        left_side.node_id as node_a,
        right_side.node_id as node_b,
        left_side.record_key,
        left_side.source_name,
        left_side.table_name,
        left_side.record_id
    from identifiers as left_side
    inner join identifiers as right_side
        on
            left_side.record_key = right_side.record_key
            and left_side.node_id < right_side.node_id
),

pairs as (
    select
        node_a,
        node_b,
        record_key,
        source_name,
        table_name,
        record_id
    from record_pairs
    union distinct
    select
        node_a,
        node_b,
        record_key,
        source_name,
        table_name,
        record_id
    from derived_pairs
),

final as (
    select
        node_a,
        node_b,
        count(*) as record_count,
        -- the first record (by key) that joins the two, to explain the link
        arg_min(source_name, record_key) as source_name,
        arg_min(table_name, record_key) as table_name,
        arg_min(record_id, record_key) as record_id
    from pairs
    group by node_a, node_b
)

select * from final
