-- One row per identifier that belongs to a customer, with the customer's stable key.
with

components as (
    select
        node_number,
        component_id
    from {{ ref('int_identity__components') }}
    where component_id is not null
),

nodes as (
    select
        node_key,
        node_number,
        node_id,
        identifier_type,
        first_seen_at
    from {{ ref('int_identity__nodes') }}
),

members as (
    select
        nodes.node_key,
        nodes.node_id,
        nodes.identifier_type,
        nodes.first_seen_at,
        components.component_id
    from components
    inner join nodes on components.node_number = nodes.node_number
),

-- the customer's earliest identifier: unrelated new data never changes it
anchors as (
    select
        component_id,
        arg_min(
            node_id, (coalesce(first_seen_at, 'infinity'::timestamp), node_id)
        ) as anchor_node_id
    from members
    group by component_id
),

keyed as (
    select
        component_id,
        anchor_node_id,
        {{ dbt.hash('anchor_node_id') }} as customer_key
    from anchors
),

-- customers numbered in customer key order: later models aggregate numbers, not text
numbered as (
    select
        component_id,
        anchor_node_id,
        customer_key,
        row_number() over (order by customer_key) as customer_number
    from keyed
),

final as (
    select
        members.node_key,
        members.node_id,
        members.identifier_type,
        numbered.anchor_node_id,
        numbered.customer_key,
        numbered.customer_number
    from members
    inner join numbered on members.component_id = numbered.component_id
)

select * from final
