-- One row per identity group that carries an identifier: its customer, or why it has none.
-- Narrow on purpose: the group's source, record and counts are in `int_identity__groups`;
-- joining them here held two 11 M-row tables in memory at once at 1 M customers.
with

node_customers as (
    select
        node_key,
        customer_number
    from {{ ref('int_identity__node_customers') }}
),

customer_keys as (
    select
        customer_number,
        any_value(customer_key) as customer_key
    from {{ ref('int_identity__node_customers') }}
    group by customer_number
),

identifiers as (
    select
        record_identifiers.identity_group_key,
        record_identifiers.identifier_type,
        record_identifiers.blocked_reason is null as is_usable,
        case
            when record_identifiers.blocked_reason is null then node_customers.customer_number
        end as customer_number,
        -- which identifier we credit with the match, strongest kind first
        -- (macros/registry/identifier_types.sql)
        case record_identifiers.identifier_type
            {%- for identifier_type in identifier_types() %}
                when '{{ identifier_type }}' then {{ loop.index }}
            {%- endfor %}
        end as identifier_rank
    from {{ ref('int_identity__record_identifiers') }} as record_identifiers
    left join node_customers on record_identifiers.node_key = node_customers.node_key
    -- a domain read from an email adds nothing here: when the email has a customer, the domain
    -- has the same one (they are linked) or none (held back), and the email ranks first
    where record_identifiers.derived_from_node_key is null
),

per_group as (
    select
        identity_group_key,
        count(*) filter (where is_usable) as usable_identifiers,
        min(customer_number) as customer_number,
        -- 0, 1, or 2 for more than one (which linking rules out; a data test checks): cheaper
        -- than counting distinct customers per group
        cast(
            case
                when min(customer_number) is null then 0
                when min(customer_number) = max(customer_number) then 1
                else 2
            end as bigint
        ) as customer_key_count,
        arg_min(identifier_type, identifier_rank) filter (where customer_number is not null)
            as matched_on
    from identifiers
    group by identity_group_key
),

final as (
    select
        per_group.identity_group_key,
        customer_keys.customer_key,
        per_group.customer_number,
        per_group.matched_on,
        per_group.customer_key_count,
        case
            when per_group.customer_number is not null then null
            when per_group.usable_identifiers = 0 then 'identifiers_blocked'
            else 'identifiers_held_back'
        end as unresolved_reason
    from per_group
    left join customer_keys on per_group.customer_number = customer_keys.customer_number
)

select * from final
