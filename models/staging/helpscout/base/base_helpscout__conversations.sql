-- Every raw conversation row read, typed, with its fate: staged, duplicate or quarantined.
with

source as (
    select * from {{ raw_source('helpscout', 'conversations') }}
),

trimmed as (
    select
        *,
        nullif(trim(createdat), '') as created_at_text,
        nullif(trim(closedat), '') as closed_at_text,
        nullif(trim(userupdatedat), '') as updated_at_text,
        nullif(trim(number), '') as number_text,
        nullif(trim(threads), '') as threads_text
    from source
),

typed as (
    select
        nullif(trim(id), '') as conversation_id,
        {{ dbt.safe_cast('number_text', 'integer') }} as conversation_number,
        {{ dbt.safe_cast('threads_text', 'integer') }} as thread_count,
        nullif(lower(trim(type)), '') as channel,
        nullif(lower(trim(status)), '') as status,
        nullif(lower(trim(state)), '') as state,
        nullif(trim(subject), '') as subject,
        nullif(trim(mailboxid), '') as mailbox_id,
        -- ISO 8601; an explicit offset (Z or +hh:mm) is applied, a bare time is read as UTC
        case
            when regexp_matches(created_at_text, '(Z|[+-]\d{2}:?\d{2})$')
                then timezone('UTC', {{ dbt.safe_cast('created_at_text', 'timestamptz') }})
            else {{ dbt.safe_cast('created_at_text', 'timestamp') }}
        end as created_at,
        case
            when regexp_matches(closed_at_text, '(Z|[+-]\d{2}:?\d{2})$')
                then timezone('UTC', {{ dbt.safe_cast('closed_at_text', 'timestamptz') }})
            else {{ dbt.safe_cast('closed_at_text', 'timestamp') }}
        end as closed_at,
        case
            when regexp_matches(updated_at_text, '(Z|[+-]\d{2}:?\d{2})$')
                then timezone('UTC', {{ dbt.safe_cast('updated_at_text', 'timestamptz') }})
            else {{ dbt.safe_cast('updated_at_text', 'timestamp') }}
        end as updated_at,
        nullif(trim(primarycustomer ->> 'id'), '') as customer_id,
        nullif(trim(primarycustomer ->> 'first'), '') as customer_first_name,
        nullif(trim(primarycustomer ->> 'last'), '') as customer_last_name,
        primarycustomer ->> 'email' as email_raw,
        nullif(lower(trim(primarycustomer ->> 'email')), '') as email,
        coalesce(json_extract_string(tags, '$[*].tag'), []) as tags,
        nullif(lower(trim(source ->> 'type')), '') as source_type,
        nullif(lower(trim(source ->> 'via')), '') as source_via,
        created_at_text,
        closed_at_text,
        updated_at_text,
        number_text,
        threads_text,
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
                or (closed_at_text is not null and closed_at is null)
                or (updated_at_text is not null and updated_at is null)
                then 'unparseable_timestamp'
            when
                (number_text is not null and conversation_number is null)
                or (threads_text is not null and thread_count is null)
                then 'unparseable_number'
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
        conversation_number,
        thread_count,
        channel,
        status,
        state,
        subject,
        mailbox_id,
        created_at,
        closed_at,
        updated_at,
        coalesce(closed_at < created_at, false) as is_closed_before_created,
        customer_id,
        customer_first_name,
        customer_last_name,
        email_raw,
        email,
        tags,
        source_type,
        source_via,
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
