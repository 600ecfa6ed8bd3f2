-- Every raw webhook event row read, typed, with its fate: staged, duplicate or quarantined.
with

source as (
    select * from {{ raw_source('drip', 'events') }}
),

trimmed as (
    select
        *,
        nullif(trim(occurred_at), '') as occurred_at_text
    from source
),

typed as (
    select
        -- webhook events carry no id: the hash of the raw row stands in for one
        {{ dbt.hash('_raw_record') }} as event_id,
        nullif(trim(event), '') as event_name,
        nullif(regexp_replace(lower(trim(event)), '^subscriber\.', ''), '') as event_type,
        nullif(trim(data -> 'subscriber' ->> 'id'), '') as subscriber_id,
        data -> 'subscriber' ->> 'email' as subscriber_email_raw,
        nullif(lower(trim(data -> 'subscriber' ->> 'email')), '') as subscriber_email,
        nullif(trim(data ->> 'account_id'), '') as account_id,
        nullif(trim(data -> 'properties' ->> 'delivery_id'), '') as delivery_id,
        nullif(trim(data -> 'properties' ->> 'email_id'), '') as email_id,
        nullif(trim(data -> 'properties' ->> 'email_subject'), '') as email_subject,
        nullif(trim(data -> 'properties' ->> 'url'), '') as url,
        -- ISO 8601; an explicit offset (Z or +hh:mm) is applied, a bare time is read as UTC
        case
            when regexp_matches(occurred_at_text, '(Z|[+-]\d{2}:?\d{2})$')
                then timezone('UTC', {{ dbt.safe_cast('occurred_at_text', 'timestamptz') }})
            else {{ dbt.safe_cast('occurred_at_text', 'timestamp') }}
        end as occurred_at,
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
            -- an event is about a subscriber: without the subscriber's id it is unusable
            when subscriber_id is null then 'missing_id'
            when occurred_at is null then 'unparseable_timestamp'
        end as row_problem
    from typed
),

reasoned as (
    select
        *,
        -- event_id is the raw row's hash: two rows share one only as exact copies (duplicates),
        -- so no id ranking is needed
        row_problem as quarantine_reason
    from row_checked
),

final as (
    select
        event_id,
        event_name,
        event_type,
        subscriber_id,
        subscriber_email_raw,
        subscriber_email,
        account_id,
        delivery_id,
        email_id,
        email_subject,
        url,
        occurred_at,
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
