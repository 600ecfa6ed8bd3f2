-- Every raw conversation row read, typed, with its fate: staged, duplicate or quarantined.
with

source as (
    select * from {{ raw_source('intercom', 'conversations') }}
),

trimmed as (
    select
        *,
        nullif(trim(created_at), '') as created_at_text,
        nullif(trim(updated_at), '') as updated_at_text,
        nullif(trim(open), '') as open_text,
        -- `{type: contact.list, contacts: [...]}`; API 2.6 and before list them bare
        case
            when json_type(contacts) = 'ARRAY' then contacts else contacts -> 'contacts'
        end as contact_list
    from source
),

typed as (
    select
        nullif(trim(id), '') as conversation_id,
        -- Unix seconds, UTC
        {{ dbt.dateadd(
            'second',
            dbt.safe_cast('created_at_text', 'bigint'),
            "cast('1970-01-01' as timestamp)"
        ) }} as created_at,
        {{ dbt.dateadd(
            'second',
            dbt.safe_cast('updated_at_text', 'bigint'),
            "cast('1970-01-01' as timestamp)"
        ) }} as updated_at,
        nullif(lower(trim(state)), '') as state,
        {{ dbt.safe_cast('open_text', 'boolean') }} as is_open,
        nullif(lower(trim(source ->> 'type')), '') as channel,
        nullif(lower(trim(source ->> 'delivered_as')), '') as delivered_as,
        nullif(lower(trim(source -> 'author' ->> 'type')), '') as author_type,
        nullif(trim(source -> 'author' ->> 'id'), '') as author_id,
        source -> 'author' ->> 'email' as author_email_raw,
        nullif(lower(trim(source -> 'author' ->> 'email')), '') as author_email,
        list_filter(
            coalesce(json_extract_string(contact_list, '$[*].id'), []),
            contact_id -> nullif(trim(contact_id), '') is not null
        ) as contact_ids,
        list_filter(
            coalesce(json_extract_string(contact_list, '$[*].external_id'), []),
            external_id -> nullif(trim(external_id), '') is not null
        ) as contact_external_ids,
        created_at_text,
        updated_at_text,
        _raw_record,
        _source_file,
        _line_number,
        _read_problem,
        {{ number_copies() }} as _copy_number
    from trimmed
),

row_checked as (
    select
        *,
        case
            -- a line or file that could not be read, or a required column the file lacks
            when _read_problem is not null then _read_problem
            when conversation_id is null then 'missing_id'
            when
                created_at is null
                or (updated_at_text is not null and updated_at is null)
                then 'unparseable_timestamp'
        end as row_problem
    from typed
),

id_ranked as (
    select
        *,
        -- two different rows with one conversation id: the last updated one is kept
        {{ rank_within_id('conversation_id', 'updated_at desc nulls last, _source_file desc') }}
            as _id_rank
    from row_checked
),

reasoned as (
    select
        *,
        coalesce(row_problem, case when _id_rank > 1 then 'duplicate_id' end)
            as quarantine_reason
    from id_ranked
),

final as (
    select
        conversation_id,
        created_at,
        updated_at,
        state,
        is_open,
        channel,
        delivered_as,
        author_type,
        author_id,
        author_email_raw,
        author_email,
        contact_ids,
        contact_external_ids,
        contact_ids[1] as primary_contact_id,
        quarantine_reason,
        {{ row_status('_copy_number', 'quarantine_reason') }} as row_status,
        _raw_record,
        _source_file,
        _line_number,
        _read_problem,
        _copy_number
    from reasoned
)

{{ base_rows('final') }}
