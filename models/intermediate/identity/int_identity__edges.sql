-- One row per pair of usable identifiers that appear together in at least one identity group,
-- by node key (the smaller first), with the strongest evidence any group gives for the link
-- (macros/registry/identity_evidence.sql). A domain read from an email is linked to that email
-- only, not to the rest of the record, so a shared mailbox that is held back cannot link
-- customers through its domain instead.
with

usable as (
    select
        identity_group_key,
        node_key,
        identifier_type,
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
        node_key,
        identifier_type
    from usable
    where derived_from_node_key is null
),

-- an email and the domain it names: the email's evidence
derived_pairs as (
    select distinct
        least(derived_from_node_key, node_key) as node_a_key,
        greatest(derived_from_node_key, node_key) as node_b_key,
        identity_group_key,
        'email' as node_a_type,
        'email' as node_b_type
    from usable
    where derived_from_node_key is not null
),

group_pairs as (
    select
        left_side.node_key as node_a_key,
        right_side.node_key as node_b_key,
        left_side.identity_group_key,
        left_side.identifier_type as node_a_type,
        right_side.identifier_type as node_b_type
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
        identity_group_key,
        node_a_type,
        node_b_type
    from group_pairs
    union distinct
    select
        node_a_key,
        node_b_key,
        identity_group_key,
        node_a_type,
        node_b_type
    from derived_pairs
),

-- each end's evidence in its group's table; the link has the weaker of the two
ranked as (
    select
        pairs.node_a_key,
        pairs.node_b_key,
        pairs.identity_group_key,
        groups.record_count,
        {{ identity_evidence_rank('groups.source_name', 'groups.table_name', 'pairs.node_a_type') }}
            as node_a_rank,
        {{ identity_evidence_rank('groups.source_name', 'groups.table_name', 'pairs.node_b_type') }}
            as node_b_rank
    from pairs
    inner join groups on pairs.identity_group_key = groups.identity_group_key
),

per_pair as (
    select
        node_a_key,
        node_b_key,
        cast(sum(record_count) as bigint) as record_count,
        min(greatest(node_a_rank, node_b_rank)) as evidence_rank,
        -- an example group of the strongest evidence, to explain the link
        arg_min(
            identity_group_key, (greatest(node_a_rank, node_b_rank), identity_group_key)
        ) as example_group_key,
        -- the end that is the example record's own identifier (the other one is weaker)
        arg_min(
            case when node_b_rank < node_a_rank then node_b_key else node_a_key end,
            (greatest(node_a_rank, node_b_rank), identity_group_key)
        ) as from_node_key
    from ranked
    group by node_a_key, node_b_key
),

final as (
    select
        per_pair.node_a_key,
        per_pair.node_b_key,
        per_pair.record_count,
        per_pair.evidence_rank,
        {% set levels = identity_evidence_levels() -%}
        case per_pair.evidence_rank
            {%- for level in levels %}
                when {{ loop.index0 }} then '{{ level }}'
            {%- endfor %}
        end as evidence,
        per_pair.from_node_key,
        groups.source_name,
        groups.table_name,
        groups.record_id
    from per_pair
    inner join groups on per_pair.example_group_key = groups.identity_group_key
)

select * from final
