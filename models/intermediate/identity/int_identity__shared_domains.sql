-- One row per domain that unrelated people share, so it never links them: the maintained
-- free-mail and disposable lists (int_identity__listed_domains) and our seed shared_domains,
-- which wins where both name a domain (platforms, relays, what the lists miss).
with

listed as (
    select
        domain,
        kind,
        listed_in
    from {{ ref('int_identity__listed_domains') }}
),

seeded as (
    select
        domain,
        kind
    from {{ ref('shared_domains') }}
),

unioned as (
    select
        domain,
        kind,
        'shared_domains' as listed_in,
        0 as priority
    from seeded
    union all
    select
        domain,
        kind,
        listed_in,
        1 as priority
    from listed
),

final as (
    select
        domain,
        arg_min(kind, priority) as kind,
        arg_min(listed_in, priority) as listed_in
    from unioned
    group by domain
)

select * from final
