with

tickets as (
    select
        ticket_id,
        source_name,
        customer_key,
        channel,
        status,
        opened_at,
        closed_at,
        is_open,
        open_days
    from {{ ref('int_support__tickets_classified') }}
    where exclusion_reason is null
),

final as (
    select
        {{ surrogate_key('ticket_id') }} as ticket_key,
        ticket_id,
        source_name,
        customer_key,
        channel,
        status,
        opened_at,
        closed_at,
        is_open,
        cast(open_days as double) as open_days
    from tickets
)

select * from final
