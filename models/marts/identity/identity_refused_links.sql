-- One row per link that would have joined two customers but broke a limit: both sides, the
-- evidence, why it was refused, and an example record (the audit of customer_relationships).
with

refused as (
    select
        from_node_id,
        to_node_id,
        evidence,
        relationship,
        refused_reason,
        from_customer_key,
        to_customer_key,
        record_count,
        source_name,
        table_name,
        record_id
    from {{ ref('int_identity__refused_links') }}
),

final as (
    select
        from_node_id as from_node,
        to_node_id as to_node,
        from_customer_key,
        to_customer_key,
        evidence,
        relationship,
        refused_reason,
        record_count,
        source_name as example_source_name,
        table_name as example_table_name,
        record_id as example_record_id
    from refused
)

select * from final
