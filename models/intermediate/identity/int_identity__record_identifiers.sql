-- One row per identifier value an identity group carries, normalised, with why it is unusable.
-- An email field may hold several addresses: each is a row. A usable business email also
-- names its company's domain: that domain is a row of its own, derived from the email. Nodes
-- are keyed by 64 bits of the MD5 of `<type>:<value>` (`node_key`), so the graph joins on
-- integers, not on text.
-- Values written with non-ASCII letters or punycode (a sliver of them) take a second path that
-- looks up their domain's one form (int_identity__idn_domains); every other value is parsed
-- once and never joined for it.
{%- set known_types = identifier_types() %}
{%- set keyed = [] %}
{%- for entry in registry_tables() %}
    {%- for identifier in entry.identifiers if identifier.keyed_by is defined %}
        {%- if identifier.keyed_by != 'email' %}
            {{ exceptions.raise_compiler_error(
                entry.source ~ '.' ~ entry.table ~ ': keyed_by must be email, not '
                ~ identifier.keyed_by) }}
        {%- endif %}
        {%- do keyed.append(
            "(source_name = '" ~ entry.source ~ "' and table_name = '" ~ entry.table
            ~ "' and identifier_type in ('" ~ identifier.type ~ "', 'email'))"
        ) %}
    {%- endfor %}
{%- endfor %}
{#- the reasons that say a value is made up, not someone's address -#}
{%- set junk_email_reasons = (
    'placeholder', 'noreply_address', 'test_domain', 'placeholder_address', 'local_part_is_domain'
) %}
with

-- every identifier a group carries, once; `is_special` sends it down the second path
entries as (
    select
        identity_group_key,
        source_name,
        table_name,
        identifier_type,
        identifier_raw,
        evidence_rank,
        {{ is_special_identifier('identifier_type', 'identifier_raw') }} as is_special
    from (
        select
            identity_group_key,
            source_name,
            table_name,
            struct_extract(identifier, 'identifier_type') as identifier_type,
            struct_extract(identifier, 'identifier_raw') as identifier_raw,
            struct_extract(identifier, 'evidence_rank') as evidence_rank
        from (
            select
                identity_group_key,
                source_name,
                table_name,
                unnest(identifiers) as identifier
            from {{ ref('int_identity__groups') }}
        ) as unnested
    ) as extracted
    where trim(identifier_raw) <> ''
),

-- the usual value: one value to a field, plain ASCII
plain_entries as (
    select
        identity_group_key,
        source_name,
        table_name,
        identifier_type,
        identifier_raw,
        evidence_rank
    from entries
    where not is_special
),

-- an email field with a second `@`, an email or website with non-ASCII characters or `xn--`
special_entries as (
    select
        identity_group_key,
        source_name,
        table_name,
        identifier_type,
        identifier_raw,
        evidence_rank
    from entries
    where is_special
),

idn_domains as (
    select
        domain_written,
        domain
    from {{ ref('int_identity__idn_domains') }}
    where domain_written <> domain
),

plain_written as (
    select
        identity_group_key,
        source_name,
        table_name,
        identifier_type,
        identifier_raw,
        evidence_rank,
        -- plain ASCII: lower case is the composed form too
        {{ identifier_value_written(
            'identifier_type',
            'identifier_raw',
            "case when identifier_type in ('email', 'domain') then lower(identifier_raw) end",
            is_ascii=true
        ) }} as value_written
    from plain_entries
),

plain_values as (
    select
        identity_group_key,
        source_name,
        table_name,
        identifier_type,
        identifier_raw,
        evidence_rank,
        {{ normalize_identifier('identifier_type', 'value_written') }} as identifier_value
    from plain_written
),

-- each value the field holds, a row
special_written as (
    select
        identity_group_key,
        source_name,
        table_name,
        identifier_type,
        identifier_raw,
        evidence_rank,
        unnest({{ identifier_values(
            'identifier_type', 'identifier_raw', 'lower(nfc_normalize(identifier_raw))'
        ) }}) as value_written
    from special_entries
),

-- the domain in its one form
special_canonical as (
    select
        special_written.identity_group_key,
        special_written.source_name,
        special_written.table_name,
        special_written.identifier_type,
        special_written.identifier_raw,
        special_written.evidence_rank,
        case
            when idn_domains.domain is null then special_written.value_written
            when special_written.identifier_type = 'email'
                then split_part(special_written.value_written, '@', 1) || '@' || idn_domains.domain
            else idn_domains.domain
        end as value_canonical
    from special_written
    left join idn_domains
        on
            {{ identifier_domain(
                'special_written.identifier_type', 'special_written.value_written'
            ) }} = idn_domains.domain_written
),

-- a field may name one address twice (a.b@gmail.com, ab@gmail.com): once
special_values as (
    select distinct
        identity_group_key,
        source_name,
        table_name,
        identifier_type,
        identifier_raw,
        evidence_rank,
        {{ normalize_identifier('identifier_type', 'value_canonical') }} as identifier_value
    from special_canonical
),

identifier_rows as (
    select
        identity_group_key,
        source_name,
        table_name,
        identifier_type,
        identifier_raw,
        evidence_rank,
        identifier_value
    from plain_values
    union all
    select
        identity_group_key,
        source_name,
        table_name,
        identifier_type,
        identifier_raw,
        evidence_rank,
        identifier_value
    from special_values
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

junk_domains as (
    select
        identifier_value,
        reason
    from junk_identifiers
    where identifier_type = 'domain'
),

shared_domains as (
    select
        domain,
        kind
    from {{ ref('int_identity__shared_domains') }}
),

-- hosts whose paths belong to different owners: their subdomains (m., uk., mobile.) are theirs
path_platforms as (
    select domain
    from shared_domains
    where kind = 'path_platform'
),

-- the keys of the domain lookups: an email's or website's domain, a website's parent domain
lookup_keys as (
    select
        *,
        {{ identifier_domain('identifier_type', 'identifier_value') }} as lookup_domain,
        case
            when identifier_type = 'domain'
                then substr(identifier_value, strpos(identifier_value, '.') + 1)
        end as parent_domain,
        case when identifier_type = 'email' then {{ email_domain('identifier_value') }} end
            as email_domain
    from identifier_rows
),

-- equality joins only (hash joins)
looked_up as (
    select
        lookup_keys.identity_group_key,
        lookup_keys.source_name,
        lookup_keys.table_name,
        lookup_keys.identifier_type,
        lookup_keys.identifier_raw,
        lookup_keys.evidence_rank,
        lookup_keys.identifier_value,
        {{ md5_64("lookup_keys.identifier_type || ':' || lookup_keys.identifier_value") }}
            as node_key,
        shared_domains.kind as domain_kind,
        path_platforms.domain is not null as is_on_path_platform,
        junk_identifiers.reason as junk_reason,
        junk_domains.reason as junk_domain_reason
    from lookup_keys
    left join junk_identifiers
        on
            lookup_keys.identifier_type = junk_identifiers.identifier_type
            and lower(lookup_keys.identifier_value) = junk_identifiers.identifier_value
    left join shared_domains on lookup_keys.lookup_domain = shared_domains.domain
    left join path_platforms on lookup_keys.parent_domain = path_platforms.domain
    left join junk_domains on lookup_keys.email_domain = junk_domains.identifier_value
),

-- the rules on the value itself
pattern_checked as (
    select
        *,
        {{ junk_identifier_reason('identifier_type', 'identifier_value', 'domain_kind') }}
            as pattern_reason
    from looked_up
),

own_checked as (
    select
        identity_group_key,
        source_name,
        table_name,
        identifier_type,
        identifier_raw,
        evidence_rank,
        identifier_value,
        node_key,
        domain_kind,
        junk_domain_reason,
        case
            when identifier_value is null then 'invalid_value'
            when junk_reason is not null then junk_reason
            when pattern_reason is not null then pattern_reason
            when identifier_type = 'email' and domain_kind = 'disposable'
                then 'disposable_address'
            when identifier_type = 'domain' and domain_kind is not null
                then domain_kind || '_domain'
            when identifier_type = 'domain' and is_on_path_platform
                then 'path_platform_domain'
        end as own_reason
    from pattern_checked
),

-- in the tables whose tool keeps one id per email (registry: keyed_by), the ids and emails
keyed_rows as (
    select
        identity_group_key,
        identifier_type,
        node_key,
        own_reason
    from own_checked
    where {{ keyed | join(' or ') if keyed else 'false' }}
),

-- per record group: its emails that are junk, and those usable
group_emails as (
    select
        identity_group_key,
        count(*) filter (where own_reason in {{ junk_email_reasons }}) as junk_emails,
        count(*) filter (where own_reason is null) as usable_emails
    from keyed_rows
    where identifier_type = 'email'
    group by identity_group_key
),

-- an id whose own records carry junk emails and no usable one was made for the junk
junk_keyed_ids as (
    select keyed_rows.node_key
    from keyed_rows
    inner join group_emails on keyed_rows.identity_group_key = group_emails.identity_group_key
    where keyed_rows.identifier_type <> 'email' and keyed_rows.node_key is not null
    group by keyed_rows.node_key
    having sum(group_emails.junk_emails) > 0 and sum(group_emails.usable_emails) = 0
),

-- each identifier, and after a usable email the domain it names
expanded as (
    select
        identity_group_key,
        identifier_raw,
        evidence_rank,
        unnest(
            case
                when identifier_type = 'email' and own_reason is null
                    then [
                            {
                                'identifier_type': identifier_type,
                                'identifier_value': identifier_value,
                                'node_key': node_key,
                                'derived_from_node_key': null::ubigint,
                                'reason': null::varchar
                            },
                            {
                                'identifier_type': 'domain',
                                'identifier_value': {{ email_domain('identifier_value') }},
                                'node_key':
                                {{ md5_64("'domain:' || " ~ email_domain('identifier_value')) }},
                                'derived_from_node_key': node_key,
                                -- a shared domain (a disposable one blocked the email)
                                'reason': coalesce(junk_domain_reason, domain_kind || '_domain')
                            }
                        ]
                else [
                        {
                            'identifier_type': identifier_type,
                            'identifier_value': identifier_value,
                            'node_key': node_key,
                            'derived_from_node_key': null::ubigint,
                            'reason': own_reason
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
        evidence_rank,
        struct_extract(entry, 'identifier_value') as identifier_value,
        struct_extract(entry, 'node_key') as node_key,
        struct_extract(entry, 'derived_from_node_key') as derived_from_node_key,
        struct_extract(entry, 'reason') as reason
    from expanded
),

final as (
    select
        flattened.identity_group_key,
        flattened.identifier_type,
        flattened.identifier_raw,
        flattened.identifier_value,
        flattened.node_key,
        flattened.derived_from_node_key,
        -- a domain read from an email has the email's evidence
        flattened.evidence_rank,
        case
            when flattened.reason is not null then flattened.reason
            when junk_keyed_ids.node_key is not null then 'created_for_junk_email'
        end as blocked_reason
    from flattened
    left join junk_keyed_ids on flattened.node_key = junk_keyed_ids.node_key
)

select * from final
