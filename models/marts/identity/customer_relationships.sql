-- One row per pair of customers a refused link relates, and the kind of relationship: who buys
-- for whom, who shares a browser or a chat contact. Revenue stays with the customer that paid.
with

refused as (
    select
        from_customer_key,
        to_customer_key,
        relationship,
        record_count,
        source_name,
        table_name,
        record_id
    from {{ ref('int_identity__refused_links') }}
),

per_pair as (
    select
        from_customer_key,
        to_customer_key,
        relationship,
        count(*) as link_count,
        cast(sum(record_count) as bigint) as record_count,
        -- an example record: of the most records, then the first by source, table and id
        arg_min(source_name, (-record_count, source_name, table_name, record_id))
            as example_source_name,
        arg_min(table_name, (-record_count, source_name, table_name, record_id))
            as example_table_name,
        arg_min(record_id, (-record_count, source_name, table_name, record_id))
            as example_record_id
    from refused
    group by from_customer_key, to_customer_key, relationship
),

-- a CRM association is read in the light of the customer's other ones: associated with
-- several customers, it serves them (an agency, consultant or reseller); associated both ways,
-- the two are affiliates (a parent and its subsidiary)
associations as (
    select
        from_customer_key,
        count(distinct to_customer_key) as associated_customers
    from per_pair
    where relationship = 'associated_with'
    group by from_customer_key
),

final as (
    select
        per_pair.from_customer_key,
        per_pair.to_customer_key,
        case
            when per_pair.relationship <> 'associated_with' then per_pair.relationship
            when reverse_pair.from_customer_key is not null then 'affiliated_with'
            when associations.associated_customers > 1 then 'serves'
            else 'associated_with'
        end as relationship,
        per_pair.link_count,
        per_pair.record_count,
        per_pair.example_source_name,
        per_pair.example_table_name,
        per_pair.example_record_id
    from per_pair
    left join associations on per_pair.from_customer_key = associations.from_customer_key
    left join per_pair as reverse_pair
        on
            per_pair.relationship = 'associated_with'
            and reverse_pair.relationship = 'associated_with'
            and per_pair.from_customer_key = reverse_pair.to_customer_key
            and per_pair.to_customer_key = reverse_pair.from_customer_key
)

select * from final
