with

edges as (
    select
        node_a,
        node_b,
        record_count,
        source_name,
        table_name,
        record_id
    from {{ ref('int_identity__edges') }}
),

node_customers as (
    select
        node_id,
        identifier_type,
        customer_key
    from {{ ref('int_identity__node_customers') }}
),

final as (
    select
        customers_a.customer_key,
        edges.node_a,
        edges.node_b,
        customers_a.identifier_type as node_a_type,
        customers_b.identifier_type as node_b_type,
        edges.record_count,
        edges.source_name as example_source_name,
        edges.table_name as example_table_name,
        edges.record_id as example_record_id
    from edges
    inner join node_customers as customers_a on edges.node_a = customers_a.node_id
    inner join node_customers as customers_b on edges.node_b = customers_b.node_id
    where customers_a.customer_key = customers_b.customer_key
)

select * from final
