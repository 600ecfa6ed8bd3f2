-- Every staged Help Scout and Intercom conversation as a ticket, with its customer, how long
-- it stayed open and, when it is not a ticket to count, the one reason why.
with

helpscout_conversations as (
    select
        conversation_id,
        channel,
        status,
        created_at,
        closed_at,
        is_closed_before_created
    from {{ ref('stg_helpscout__conversations') }}
),

intercom_conversations as (
    select
        conversation_id,
        channel,
        state,
        created_at,
        updated_at
    from {{ ref('stg_intercom__conversations') }}
),

identity_map as (
    select
        source_name,
        table_name,
        record_id,
        customer_key
    from {{ ref('customer_identity_map') }}
),

helpscout_tickets as (
    select
        'helpscout' as source_name,
        conversation_id as record_id,
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
        identity_map.customer_key,
        tickets.channel,
        tickets.status,
        tickets.opened_at,
        tickets.closed_at,
        tickets.closed_at is null as is_open,
        case
            when tickets.is_spam then 'spam'
            when tickets.closed_at < tickets.opened_at then 'closed_before_opened'
            when identity_map.customer_key is null then 'no_customer'
        end as exclusion_reason
    from tickets
    left join identity_map
        on
            tickets.source_name = identity_map.source_name
            and identity_map.table_name = 'conversations'
            and tickets.record_id = identity_map.record_id
),

durations as (
    select
        *,
        case
            when exclusion_reason is null
                then {{ dbt.datediff(
                    'opened_at', 'coalesce(closed_at, ' ~ as_of() ~ ')', 'second'
                ) }} / 86400.0
        end as open_days
    from classified
),

final as (
    select * from durations
)

select * from final
