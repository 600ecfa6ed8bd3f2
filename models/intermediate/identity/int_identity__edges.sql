-- One row per pair of usable identifiers that appear together in at least one identity group,
-- by node key (the smaller first), with the strongest evidence any group gives for the link
-- (macros/registry/identity_evidence.sql): a link within a group has the weaker evidence of its
-- two identifiers' columns. A domain read from an email is linked to that email
-- only, not to the rest of the record, so a shared mailbox that is held back cannot link
-- customers through its domain instead.
with

usable as (
    select
        identity_group_key,
        node_key,
        derived_from_node_key,
        evidence_rank
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

-- a value carried in two columns of a group counts with its stronger evidence
identifiers as (
    select
        identity_group_key,
        node_key,
        min(evidence_rank) as evidence_rank
    from usable
    where derived_from_node_key is null
    group by identity_group_key, node_key
),

-- an email and the domain it names: the email's evidence
derived_pairs as (
    select
        least(derived_from_node_key, node_key) as node_a_key,
        greatest(derived_from_node_key, node_key) as node_b_key,
        identity_group_key,
        min(evidence_rank) as node_a_rank,
        min(evidence_rank) as node_b_rank
    from usable
    where derived_from_node_key is not null
    group by derived_from_node_key, node_key, identity_group_key
),

group_pairs as (
    select
        left_side.node_key as node_a_key,
        right_side.node_key as node_b_key,
        left_side.identity_group_key,
        left_side.evidence_rank as node_a_rank,
        right_side.evidence_rank as node_b_rank
    from identifiers as left_side
    inner join identifiers as right_side
        on
            left_side.identity_group_key = right_side.identity_group_key
            and left_side.node_key < right_side.node_key
),

-- a pair both carried and derived in one group (an email and a website naming its domain)
-- counts once, with its stronger evidence
pairs as (
    select
        node_a_key,
        node_b_key,
        identity_group_key,
        min(node_a_rank) as node_a_rank,
        min(node_b_rank) as node_b_rank
    from (
        select * from group_pairs
        union all
        select * from derived_pairs
    ) as carried_and_derived
    group by node_a_key, node_b_key, identity_group_key
),

ranked as (
    select
        pairs.node_a_key,
        pairs.node_b_key,
        pairs.identity_group_key,
        groups.record_count,
        pairs.node_a_rank,
        pairs.node_b_rank
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
