-- One row per identifier an identity group carries, normalised, with why it is unusable. A
-- usable business email also names its company's domain: that domain is a row of its own,
-- derived from the email. Nodes are keyed by 64 bits of the MD5 of `<type>:<value>` (`node_key`),
-- so the graph joins on integers, not on text.
{%- set known_types = identifier_types() %}
with

unnested as (
    select
        identity_group_key,
        unnest(identifiers) as identifier
    from {{ ref('int_identity__groups') }}
),

entries as (
    select
        identity_group_key,
        struct_extract(identifier, 'identifier_type') as identifier_type,
        struct_extract(identifier, 'identifier_raw') as identifier_raw,
        struct_extract(identifier, 'evidence_rank') as evidence_rank
    from unnested
),

present as (
    select
        identity_group_key,
        identifier_type,
        identifier_raw,
        evidence_rank,
        -- trimmed and lower case once, for the email and domain rules
        case
            when identifier_type in ('email', 'domain')
                then lower(nfc_normalize(trim(identifier_raw)))
        end as identifier_lowered
    from entries
    where nullif(trim(identifier_raw), '') is not null
),

identifier_types as (
    select type_list.identifier_type
    from (
        values {% for identifier_type in known_types -%}
            ('{{ identifier_type }}'){{ ", " if not loop.last }}
        {%- endfor %}
    ) as type_list (identifier_type)
),

-- the blocklist per type and value: a '*' row applies to every type, a typed row wins
junk_identifiers as (
    select
        identifier_types.identifier_type,
        junk.identifier_value,
        arg_min(junk.reason, junk.identifier_type = '*') as reason
    from {{ ref('junk_identifiers') }} as junk
    inner join identifier_types
        on junk.identifier_type in (identifier_types.identifier_type, '*')
    group by identifier_types.identifier_type, junk.identifier_value
),

shared_domains as (
    select
        domain,
        kind
    from {{ ref('shared_domains') }}
),

normalized as (
    select
        identity_group_key,
        identifier_type,
        identifier_raw,
        evidence_rank,
        case identifier_type
            when 'email' then {{ normalize_email('identifier_lowered', is_lowered=true) }}
            when 'domain' then {{ url_domain('identifier_lowered', is_lowered=true) }}
            else trim(identifier_raw)
        end as identifier_value
    from present
),

own_checked as (
    select
        normalized.*,
        case
            when normalized.identifier_value is null then 'invalid_value'
            when junk_identifiers.reason is not null then junk_identifiers.reason
            else {{ junk_identifier_reason(
                'normalized.identifier_type', 'normalized.identifier_value'
            ) }}
        end as own_reason
    from normalized
    left join junk_identifiers
        on
            normalized.identifier_type = junk_identifiers.identifier_type
            and lower(normalized.identifier_value) = junk_identifiers.identifier_value
),

-- each identifier, and after a usable email the domain it names
expanded as (
    select
        identity_group_key,
        identifier_raw,
        evidence_rank,
        own_reason,
        unnest(
            case
                when identifier_type = 'email' and own_reason is null
                    then [
                            {
                                'identifier_type': identifier_type,
                                'identifier_value': identifier_value,
                                'derived_from_node_key': null::ubigint
                            },
                            {
                                'identifier_type': 'domain',
                                'identifier_value': {{ email_domain('identifier_value') }},
                                'derived_from_node_key':
                                {{ md5_64("'email:' || identifier_value") }}
                            }
                        ]
                else [
                        {
                            'identifier_type': identifier_type,
                            'identifier_value': identifier_value,
                            'derived_from_node_key': null::ubigint
                        }
                    ]
            end
        ) as entry
    from own_checked
),

flattened as (
    select
        identity_group_key,
        struct_extract(entry, 'identifier_type') as identifier_type,
        identifier_raw,
        struct_extract(entry, 'identifier_value') as identifier_value,
        struct_extract(entry, 'derived_from_node_key') as derived_from_node_key,
        evidence_rank,
        own_reason
    from expanded
),

final as (
    select
        flattened.identity_group_key,
        flattened.identifier_type,
        flattened.identifier_raw,
        flattened.identifier_value,
        case
            when flattened.identifier_value is not null
                then {{ md5_64("flattened.identifier_type || ':' || flattened.identifier_value") }}
        end as node_key,
        flattened.derived_from_node_key,
        flattened.evidence_rank,
        case
            when flattened.derived_from_node_key is null and flattened.own_reason is not null
                then flattened.own_reason
            when flattened.identifier_value is null then 'invalid_value'
            when junk_identifiers.reason is not null then junk_identifiers.reason
            when flattened.derived_from_node_key is not null
                and {{ junk_identifier_reason(
                    'flattened.identifier_type', 'flattened.identifier_value'
                ) }} is not null
                then {{ junk_identifier_reason(
                    'flattened.identifier_type', 'flattened.identifier_value'
                ) }}
            when flattened.identifier_type = 'domain' and shared_domains.kind is not null
                then shared_domains.kind || '_domain'
        end as blocked_reason
    from flattened
    -- equality joins only (hash joins); which rows they apply to is in the case above
    left join junk_identifiers
        on
            flattened.identifier_type = junk_identifiers.identifier_type
            and lower(flattened.identifier_value) = junk_identifiers.identifier_value
    left join shared_domains
        on flattened.identifier_value = shared_domains.domain
)

select * from final
