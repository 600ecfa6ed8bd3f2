-- Every staged Help Scout and Intercom conversation as a ticket, with its customer, how long
-- it stayed open and, when it is not a ticket to count, the one reason why.
with

helpscout_conversations as (
    {{ keyed_records(
        'helpscout', 'conversations',
        ['conversation_id', 'channel', 'status', 'created_at', 'closed_at'],
        keep_unmatched=true
    ) }}
),

intercom_conversations as (
    {{ keyed_records(
        'intercom', 'conversations',
        ['conversation_id', 'channel', 'state', 'created_at', 'updated_at'],
        keep_unmatched=true
    ) }}
),

helpscout_tickets as (
    select
        'helpscout' as source_name,
        conversation_id as record_id,
        customer_key,
        customer_number,
        channel,
        status,
        created_at as opened_at,
        closed_at,
        status = 'spam' as is_spam
    from helpscout_conversations
),

intercom_tickets as (
    select
        'intercom' as source_name,
        conversation_id as record_id,
        customer_key,
        customer_number,
        -- Intercom's `conversation` source is the website's live chat
        case when channel = 'conversation' then 'chat' else channel end as channel,
        state as status,
        created_at as opened_at,
        -- the export has no closing time: a closed conversation closed at its last update
        case when state = 'closed' then updated_at end as closed_at,
        false as is_spam
    from intercom_conversations
),

tickets as (
    select
        source_name,
        record_id,
        customer_key,
        customer_number,
        channel,
        status,
        opened_at,
        closed_at,
        is_spam
    from helpscout_tickets
    union all
    select
        source_name,
        record_id,
        customer_key,
        customer_number,
        channel,
        status,
        opened_at,
        closed_at,
        is_spam
    from intercom_tickets
),

classified as (
    select
        tickets.source_name,
        tickets.record_id,
        tickets.source_name || ':' || tickets.record_id as ticket_id,
        tickets.customer_key,
        tickets.customer_number,
        tickets.channel,
        tickets.status,
        tickets.opened_at,
        tickets.closed_at,
        tickets.closed_at is null as is_open,
        case
            when tickets.is_spam then 'spam'
            when tickets.closed_at < tickets.opened_at then 'closed_before_opened'
            when tickets.customer_key is null then 'no_customer'
        end as exclusion_reason
    from tickets
),

durations as (
    select
        *,
        -- support conversations are the software line's data: open to its as-of time
        case
            when exclusion_reason is null
                then {{ ticket_open_days('opened_at', 'closed_at', as_of('software')) }}
        end as open_days
    from classified
),

final as (
    select * from durations
)

select * from final
