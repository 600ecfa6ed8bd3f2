-- Every staged Help Scout and Intercom conversation is a support ticket or an excluded ticket,
-- once. Returns a row per source whose counts disagree.
with

helpscout_conversations as (
    select conversation_id
    from {{ ref('stg_helpscout__conversations') }}
),

intercom_conversations as (
    select conversation_id
    from {{ ref('stg_intercom__conversations') }}
),

support_tickets as (
    select source_name
    from {{ ref('support_tickets') }}
),

excluded_support_tickets as (
    select source_name
    from {{ ref('excluded_support_tickets') }}
),

staged as (
    select
        'helpscout' as source_name,
        count(*) as conversations
    from helpscout_conversations
    union all
    select
        'intercom' as source_name,
        count(*) as conversations
    from intercom_conversations
),

facts as (
    select source_name from support_tickets
    union all
    select source_name from excluded_support_tickets
),

fact_totals as (
    select
        source_name,
        count(*) as tickets
    from facts
    group by source_name
),

final as (
    select
        staged.source_name,
        staged.conversations as staged_conversations,
        coalesce(fact_totals.tickets, 0) as fact_tickets
    from staged
    full outer join fact_totals on staged.source_name = fact_totals.source_name
    where staged.conversations is distinct from coalesce(fact_totals.tickets, 0)
)

select * from final
