{{ config(materialized='incremental', unique_key=['node_id', 'customer_key']) }}

-- One row per identifier and customer key it has ever had, with the build that first gave it.
with

current_keys as (
    select
        node_id,
        customer_key
    from {{ ref('int_identity__node_customers') }}
),

new_pairs as (
    select
        current_keys.node_id,
        current_keys.customer_key
    from current_keys
    {% if is_incremental() %}
        left join {{ this }} as logged
            on
                current_keys.node_id = logged.node_id
                and current_keys.customer_key = logged.customer_key
        where logged.node_id is null
    {% endif %}
),

final as (
    select
        node_id,
        customer_key,
        cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as timestamp)
            as first_assigned_at
    from new_pairs
)

select * from final
