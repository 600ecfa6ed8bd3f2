-- One row per staged source record: its customer, or why it has none. A view: the records of
-- one group share their customer, so the per-record rows are a join away from
-- `int_identity__group_customers`, and a reader filtered to one source or table reads only
-- that table's records. Writing all of them (44 of identity's 233 s at 33 M records) bought
-- nothing a reader could not get from the join. BI reads it as the mart
-- `customer_identity_map`; models key their records by the same join, made on the row
-- (macro `keyed_records`), not through this view.
{{ config(materialized='view') }}

with

records as (
    select
        record_key,
        source_name,
        table_name,
        record_id,
        identity_group_key
    from {{ ref('int_identity__source_records') }}
),

group_customers as (
    select
        identity_group_key,
        customer_key,
        matched_on,
        customer_key_count,
        unresolved_reason
    from {{ ref('int_identity__group_customers') }}
),

final as (
    select
        records.record_key,
        records.source_name,
        records.table_name,
        records.record_id,
        group_customers.customer_key,
        group_customers.matched_on,
        coalesce(group_customers.customer_key_count, 0) as customer_key_count,
        case
            when group_customers.identity_group_key is null then 'no_identifier'
            else group_customers.unresolved_reason
        end as unresolved_reason
    from records
    left join group_customers
        on records.identity_group_key = group_customers.identity_group_key
)

select * from final
