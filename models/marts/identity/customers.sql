with

customers as (
    select
        customer_key,
        primary_domain,
        is_business,
        display_name,
        has_orders,
        first_seen_at,
        contact_emails,
        {%- for source_name in registry_sources() %}
            {{ source_name }}_records,
        {%- endfor %}
        total_records
    from {{ ref('int_identity__customers') }}
),

final as (
    select
        customer_key,
        {{ customer_number('customer_key') }} as customer_number,
        primary_domain,
        is_business,
        display_name,
        has_orders,
        first_seen_at,
        contact_emails as contact_email_count,
        {%- for source_name in registry_sources() %}
            {{ source_name }}_records as {{ source_name }}_record_count,
        {%- endfor %}
        total_records as record_count
    from customers
)

select * from final
