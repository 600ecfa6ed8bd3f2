-- The time value is measured at: var `as_of_date` when set, else the latest staged event.
with

payments as (
    select ordered_at
    from {{ ref('stg_edd__payments') }}
),

invoice_lines as (
    select invoiced_at
    from {{ ref('stg_online_retail__invoice_lines') }}
),

helpscout_conversations as (
    select
        created_at,
        closed_at
    from {{ ref('stg_helpscout__conversations') }}
),

intercom_conversations as (
    select
        created_at,
        updated_at
    from {{ ref('stg_intercom__conversations') }}
),

event_times as (
    select ordered_at as event_at from payments
    union all
    select invoiced_at as event_at from invoice_lines
    union all
    select created_at as event_at from helpscout_conversations
    union all
    select closed_at as event_at from helpscout_conversations
    union all
    select created_at as event_at from intercom_conversations
    union all
    select updated_at as event_at from intercom_conversations
),

latest as (
    select max(event_at) as latest_event_at
    from event_times
),

final as (
    select
        {% if var('as_of_date') -%}
            cast('{{ var("as_of_date") }}' as timestamp)
        {%- else -%}
            cast(latest_event_at as timestamp)
        {%- endif %} as as_of_at
    from latest
)

select * from final
