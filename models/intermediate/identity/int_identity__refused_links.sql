-- One row per link weaker than a record's own identity that joins two identifiers of
-- different customers (each with records of its own): the link a limit refused (var
-- identity_link_limits), with the first limited identifier type both customers hold. Each is
-- a relationship between the two customers (customer_relationships), not a merge.
{%- set levels = identity_evidence_levels() %}
{%- set limits = var('identity_link_limits') %}
with

edges as (
    select
        node_a_key,
        node_b_key,
        from_node_key,
        evidence,
        record_count,
        source_name,
        table_name,
        record_id
    from {{ ref('int_identity__edges') }}
    where evidence_rank > 0
),

-- customers with records of their own: an identifier whose every record is another
-- customer's (a shop account id carried only by a chat contact) relates no customer
customers as (
    select customer_key
    from {{ ref('int_identity__customers') }}
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

links as (
    select
        edges.evidence,
        edges.record_count,
        edges.source_name,
        edges.table_name,
        edges.record_id,
        from_side.node_id as from_node_id,
        to_side.node_id as to_node_id,
        to_side.identifier_type as to_identifier_type,
        from_side.customer_number as from_customer_number,
        from_side.customer_key as from_customer_key,
        to_side.customer_number as to_customer_number,
        to_side.customer_key as to_customer_key
    from edges
    inner join node_customers as from_side on edges.from_node_key = from_side.node_key
    inner join node_customers as to_side
        on
            to_side.node_key
            = case
                when edges.from_node_key = edges.node_a_key then edges.node_b_key
                else edges.node_a_key
            end
    where
        from_side.customer_number <> to_side.customer_number
        and from_side.customer_key in (select customers.customer_key from customers)
        and to_side.customer_key in (select customers.customer_key from customers)
),

-- the identifier types each customer of a refused link holds
held_types as (
    select distinct
        node_customers.customer_number,
        node_customers.identifier_type
    from node_customers
    where node_customers.customer_number in (
            select links.from_customer_number from links
            union
            select links.to_customer_number from links
        )
),

limited_types as (
    select
        limit_list.evidence,
        limit_list.identifier_type,
        limit_list.type_order
    from (
        values
        {%- set rows = [] %}
        {%- for level in levels[1:] %}
            {%- for identifier_type in limits.get(level, []) %}
                {%- do rows.append(
                    "('" ~ level ~ "', '" ~ identifier_type ~ "', " ~ loop.index ~ ")"
                ) %}
            {%- endfor %}
        {%- endfor %}
        {{ rows | join(',\n        ') if rows else "(null, null, null)" }}
    ) as limit_list (evidence, identifier_type, type_order)
),

reasons as (
    select
        links.from_node_id,
        links.to_node_id,
        arg_min(limited_types.identifier_type, limited_types.type_order) as limited_type
    from links
    inner join limited_types on links.evidence = limited_types.evidence
    inner join held_types as from_types
        on
            links.from_customer_number = from_types.customer_number
            and limited_types.identifier_type = from_types.identifier_type
    inner join held_types as to_types
        on
            links.to_customer_number = to_types.customer_number
            and limited_types.identifier_type = to_types.identifier_type
    group by links.from_node_id, links.to_node_id
),

final as (
    select
        links.from_node_id,
        links.to_node_id,
        links.evidence,
        {{ identity_relationship_kind(
            'links.source_name', 'links.table_name', 'links.to_identifier_type'
        ) }} as relationship,
        'both_hold_' || coalesce(reasons.limited_type, 'unknown') as refused_reason,
        links.from_customer_key,
        links.from_customer_number,
        links.to_customer_key,
        links.to_customer_number,
        links.record_count,
        links.source_name,
        links.table_name,
        links.record_id
    from links
    left join reasons
        on
            links.from_node_id = reasons.from_node_id
            and links.to_node_id = reasons.to_node_id
)

select * from final
