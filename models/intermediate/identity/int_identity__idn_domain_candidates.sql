-- One row per domain an email or website identifier writes with non-ASCII letters or a
-- punycode label, as the identifier rules write it: what int_identity__idn_domains gives one
-- form. Only raw values that are not plain ASCII, or hold `xn--`, are parsed here.
{{ config(materialized='view') }}
with

unnested as (
    select unnest(identifiers) as identifier
    from {{ ref('int_identity__groups') }}
),

entries as (
    select
        struct_extract(identifier, 'identifier_type') as identifier_type,
        struct_extract(identifier, 'identifier_raw') as identifier_raw
    from unnested
),

found as (
    select
        identifier_type,
        identifier_raw,
        lower(nfc_normalize(identifier_raw)) as identifier_lowered
    from entries
    where
        identifier_type in ('email', 'domain')
        and {{ is_idn_candidate('lower(identifier_raw)') }}
),

written as (
    select
        identifier_type,
        unnest({{ identifier_values('identifier_type', 'identifier_raw', 'identifier_lowered') }})
            as value_written
    from found
),

final as (
    select distinct {{ identifier_domain('identifier_type', 'value_written') }} as domain_written
    from written
    where {{ is_idn_candidate(identifier_domain('identifier_type', 'value_written')) }}
)

select * from final
