-- One row per software customer (at least one shop order): the license-3 outcome, the cutoff,
-- and what was known before it. The cutoff is the first license-3 order, else the as-of time;
-- every dated fact below is counted only when it happened strictly before the cutoff.
with

customer_activity as (
    select
        customer_key,
        customer_number,
        business_line
    from {{ ref('int_value__customer_activity') }}
),

order_lines as (
    select
        customer_key,
        ordered_at,
        license_tier
    from {{ ref('int_sales__order_lines_classified') }}
    where exclusion_reason is null
),

customers as (
    select
        customer_key,
        is_business
    from {{ ref('int_identity__customers') }}
),

firmographics as (
    select
        customer_key,
        industry,
        region,
        utc_offset_hours,
        territory,
        employee_range
    from {{ ref('int_value__customer_firmographics') }}
),

companies as (
    {{ keyed_records('hubspot', 'companies', ['company_id', 'employee_count', 'updated_at']) }}
),

web_events as (
    select
        event_id,
        customer_key,
        event_at,
        traffic_source
    from {{ ref('int_engagement__web_events') }}
),

support_tickets as (
    select
        ticket_id,
        customer_key,
        source_name,
        opened_at,
        closed_at
    from {{ ref('int_support__tickets_classified') }}
    where exclusion_reason is null
),

helpscout_conversations as (
    select
        conversation_id,
        thread_count,
        updated_at
    from {{ ref('stg_helpscout__conversations') }}
),

-- the population: customers of the software shop (Online Retail customers hold no licenses)
software_customers as (
    select
        customer_key,
        customer_number
    from customer_activity
    where business_line = 'software'
),

license_3_orders as (
    select
        customer_key,
        min(ordered_at) as first_license_3_at
    from order_lines
    where license_tier = 3
    group by customer_key
),

cutoffs as (
    select
        software_customers.customer_key,
        software_customers.customer_number,
        license_3_orders.first_license_3_at,
        license_3_orders.first_license_3_at is not null as has_license_3,
        coalesce(license_3_orders.first_license_3_at, {{ as_of('software') }}) as cutoff_at
    from software_customers
    left join license_3_orders
        on software_customers.customer_key = license_3_orders.customer_key
),

-- firmographics describe the company, not its dealings with us: taken as they are
company_sizes as (
    select
        customer_key,
        -- a customer with several CRM companies: the most recently modified one with a size
        arg_max(employee_count, (updated_at, company_id)) as employee_count
    from companies
    where employee_count is not null
    group by customer_key
),

-- email events strictly before each customer's cutoff
email_activity as (
    {{ customer_activity('cutoffs', ['email']) }}
),

web_activity as (
    select
        cutoffs.customer_key,
        -- the traffic source of the first visit: how the customer found us
        arg_min(
            web_events.traffic_source, (web_events.event_at, web_events.event_id)
        ) as acquisition_source
    from web_events
    inner join cutoffs on web_events.customer_key = cutoffs.customer_key
    where web_events.event_at < cutoffs.cutoff_at
    group by cutoffs.customer_key
),

-- Help Scout tickets closed, and last updated, before the cutoff: how long they took and how
-- many messages they needed are known at the cutoff (Intercom exports no closing time)
support_activity as (
    select
        cutoffs.customer_key,
        count(*) as closed_ticket_count,
        -- hours to close on a log scale (they are roughly log-normal), a minute at least;
        -- summed in ticket order: a sum of doubles in whatever order the threads give differs
        -- in its last bits from build to build
        sum(
            ln(
                greatest(
                    {{ dbt.datediff(
                        'support_tickets.opened_at', 'support_tickets.closed_at', 'second'
                    ) }} / 3600.0,
                    1 / 60.0
                )
            )
            order by support_tickets.ticket_id
        ) as closed_ticket_log_hours,
        sum(coalesce(helpscout_conversations.thread_count, 0)) as closed_ticket_thread_count
    from support_tickets
    inner join helpscout_conversations
        on support_tickets.ticket_id = 'helpscout:' || helpscout_conversations.conversation_id
    inner join cutoffs on support_tickets.customer_key = cutoffs.customer_key
    where
        support_tickets.source_name = 'helpscout'
        and support_tickets.opened_at < cutoffs.cutoff_at
        and support_tickets.closed_at < cutoffs.cutoff_at
        and helpscout_conversations.updated_at < cutoffs.cutoff_at
    group by cutoffs.customer_key
),

final as (
    select
        cutoffs.customer_key,
        cutoffs.has_license_3,
        cutoffs.first_license_3_at,
        cutoffs.cutoff_at,
        firmographics.industry,
        firmographics.region,
        firmographics.utc_offset_hours,
        firmographics.territory,
        firmographics.employee_range,
        company_sizes.employee_count,
        coalesce(customers.is_business, false) as is_business,
        web_activity.acquisition_source,
        coalesce(email_activity.email_received_count, 0) as email_received_count,
        coalesce(email_activity.email_open_count, 0) as email_open_count,
        coalesce(email_activity.email_click_count, 0) as email_click_count,
        coalesce(support_activity.closed_ticket_count, 0) as closed_ticket_count,
        cast(coalesce(support_activity.closed_ticket_log_hours, 0) as double)
            as closed_ticket_log_hours,
        cast(coalesce(support_activity.closed_ticket_thread_count, 0) as bigint)
            as closed_ticket_thread_count
    from cutoffs
    left join customers on cutoffs.customer_key = customers.customer_key
    left join firmographics on cutoffs.customer_key = firmographics.customer_key
    left join company_sizes on cutoffs.customer_key = company_sizes.customer_key
    left join email_activity on cutoffs.customer_key = email_activity.customer_key
    left join web_activity on cutoffs.customer_key = web_activity.customer_key
    left join support_activity on cutoffs.customer_key = support_activity.customer_key
)

select * from final
