-- One row per retired customer key and the current key its identifiers now belong to.
with

key_log as (
    select
        node_id,
        customer_key,
        first_assigned_at
    from {{ ref('int_identity__node_key_log') }}
),

current_keys as (
    select
        node_id,
        customer_key
    from {{ ref('int_identity__node_customers') }}
),

current_customer_keys as (
    select distinct customer_key from current_keys
),

retired as (
    select
        key_log.node_id,
        key_log.customer_key
    from key_log
    left join current_customer_keys on key_log.customer_key = current_customer_keys.customer_key
    where current_customer_keys.customer_key is null
),

final as (
    select
        retired.customer_key as previous_customer_key,
        current_keys.customer_key,
        count(*) as identifiers_moved,
        max(key_log.first_assigned_at) as changed_at
    from retired
    inner join current_keys on retired.node_id = current_keys.node_id
    inner join key_log
        on
            current_keys.node_id = key_log.node_id
            and current_keys.customer_key = key_log.customer_key
    group by retired.customer_key, current_keys.customer_key
)

select * from final
