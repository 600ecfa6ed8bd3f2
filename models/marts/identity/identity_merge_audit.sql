with

edges as (
    select
        node_a_key,
        node_b_key,
        evidence,
        record_count,
        source_name,
        table_name,
        record_id
    from {{ ref('int_identity__edges') }}
),

node_customers as (
    select
        node_key,
        node_id,
        identifier_type,
        customer_key,
        customer_number
    from {{ ref('int_identity__node_customers') }}
),

final as (
    select
        customers_a.customer_key,
        -- the two identifiers in text order
        least(customers_a.node_id, customers_b.node_id) as node_a,
        greatest(customers_a.node_id, customers_b.node_id) as node_b,
        case
            when customers_a.node_id < customers_b.node_id then customers_a.identifier_type
            else customers_b.identifier_type
        end as node_a_type,
        case
            when customers_a.node_id < customers_b.node_id then customers_b.identifier_type
            else customers_a.identifier_type
        end as node_b_type,
        edges.evidence,
        edges.record_count,
        edges.source_name as example_source_name,
        edges.table_name as example_table_name,
        edges.record_id as example_record_id
    from edges
    inner join node_customers as customers_a on edges.node_a_key = customers_a.node_key
    inner join node_customers as customers_b on edges.node_b_key = customers_b.node_key
    where customers_a.customer_number = customers_b.customer_number
)

select * from final
