-- One row per identity group that carries an identifier: its customer, or why it has none. A
-- group's customer is that of its strongest evidence (its own identifiers before a company it
-- is associated with or a shop account it carries: macros/registry/identity_evidence.sql),
-- which a refused link can leave in another customer.
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
        record_identifiers.evidence_rank,
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

-- in one pass: the smallest customer number of the strongest evidence (evidence * 2^40 +
-- number, smallest) and the largest (number - evidence * 2^40, largest)
per_group as (
    select
        identity_group_key,
        count(*) filter (where is_usable) as usable_identifiers,
        min(evidence_rank * {{ 2 ** 40 }} + customer_number) as strongest_low,
        max(customer_number - evidence_rank * {{ 2 ** 40 }}) as strongest_high,
        arg_min(identifier_type, (evidence_rank, identifier_rank))
        filter (where customer_number is not null) as matched_on
    from identifiers
    group by identity_group_key
),

strongest as (
    select
        identity_group_key,
        usable_identifiers,
        matched_on,
        strongest_low % {{ 2 ** 40 }} as customer_number,
        -- 0, 1, or 2 for more than one customer among the strongest evidence's identifiers
        -- (which linking rules out; a data test checks): cheaper than counting distinct ones
        cast(
            case
                when strongest_low is null then 0
                when strongest_low % {{ 2 ** 40 }}
                    = strongest_high + (strongest_low // {{ 2 ** 40 }}) * {{ 2 ** 40 }}
                    then 1
                else 2
            end as bigint
        ) as customer_key_count
    from per_group
),

final as (
    select
        strongest.identity_group_key,
        customer_keys.customer_key,
        strongest.customer_number,
        strongest.matched_on,
        strongest.customer_key_count,
        case
            when strongest.customer_number is not null then null
            when strongest.usable_identifiers = 0 then 'identifiers_blocked'
            else 'identifiers_held_back'
        end as unresolved_reason
    from strongest
    left join customer_keys on strongest.customer_number = customer_keys.customer_number
)

select * from final
