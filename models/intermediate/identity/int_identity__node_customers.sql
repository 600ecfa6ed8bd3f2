-- One row per identifier that belongs to a customer, with the customer's stable key.
with

components as (
    select
        node_id,
        component_id
    from {{ ref('int_identity__components') }}
    where component_id is not null
),

nodes as (
    select
        node_id,
        identifier_type,
        first_seen_at
    from {{ ref('int_identity__nodes') }}
),

anchored as (
    select
        components.node_id,
        nodes.identifier_type,
        components.component_id,
        -- the customer's earliest identifier: unrelated new data never changes it
        first_value(components.node_id) over (
            partition by components.component_id
            order by nodes.first_seen_at nulls last, components.node_id
        ) as anchor_node_id
    from components
    inner join nodes on components.node_id = nodes.node_id
),

final as (
    select
        node_id,
        identifier_type,
        anchor_node_id,
        {{ dbt.hash('anchor_node_id') }} as customer_key
    from anchored
)

select * from final
