-- A view of int_identity__record_customers: every staged record's customer, for BI.
{{ config(materialized='view') }}

with

record_customers as (
    select
        record_key,
        source_name,
        table_name,
        record_id,
        customer_key,
        matched_on,
        customer_key_count,
        unresolved_reason
    from {{ ref('int_identity__record_customers') }}
),

final as (
    select * from record_customers
)

select * from final
