-- One row per business line: the time its customers are measured at. Var `as_of_date` when set
-- (both lines), else the latest staged event of the line's own data: the software line's shop
-- payments and support conversations, the retail line's invoice lines.
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
    select
        'software' as business_line,
        ordered_at as event_at
    from payments
    union all
    select
        'software' as business_line,
        created_at as event_at
    from helpscout_conversations
    union all
    select
        'software' as business_line,
        closed_at as event_at
    from helpscout_conversations
    union all
    select
        'software' as business_line,
        created_at as event_at
    from intercom_conversations
    union all
    select
        'software' as business_line,
        updated_at as event_at
    from intercom_conversations
    union all
    select
        'retail' as business_line,
        invoiced_at as event_at
    from invoice_lines
),

-- both lines, with or without data (a line without events has no as-of time of its own)
business_lines as (
    select 'software' as business_line
    union all
    select 'retail' as business_line
),

latest as (
    select
        business_lines.business_line,
        max(event_times.event_at) as latest_event_at
    from business_lines
    left join event_times on business_lines.business_line = event_times.business_line
    group by business_lines.business_line
),

final as (
    select
        business_line,
        {% if date_var('as_of_date') -%}
            cast({{ date_var('as_of_date') }} as timestamp)
        {%- else -%}
            cast(latest_event_at as timestamp)
        {%- endif %} as as_of_at
    from latest
)

select * from final
