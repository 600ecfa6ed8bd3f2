-- Every raw subscriber row read, typed, with its fate: staged, duplicate or quarantined (and why).
with

source as (
    select * from {{ raw_source('drip', 'subscribers') }}
),

trimmed as (
    select
        *,
        nullif(trim(created_at), '') as created_at_text,
        nullif(trim(utc_offset), '') as utc_offset_text,
        nullif(trim(lead_score), '') as lead_score_text
    from source
),

typed as (
    select
        nullif(trim(id), '') as subscriber_id,
        nullif(lower(trim(status)), '') as subscriber_status,
        email as email_raw,
        nullif(lower(trim(email)), '') as email,
        nullif(trim(first_name), '') as first_name,
        nullif(trim(last_name), '') as last_name,
        nullif(trim(time_zone), '') as time_zone,
        {{ dbt.safe_cast('utc_offset_text', 'integer') }} as utc_offset_minutes,
        -- ISO 8601; an explicit offset (Z or +hh:mm) is applied, a bare time is read as UTC
        case
            when regexp_matches(created_at_text, '(Z|[+-]\d{2}:?\d{2})$')
                then timezone('UTC', {{ dbt.safe_cast('created_at_text', 'timestamptz') }})
            else {{ dbt.safe_cast('created_at_text', 'timestamp') }}
        end as created_at,
        list_filter(
            coalesce(json_extract_string(tags, '$[*]'), []),
            tag -> nullif(trim(tag), '') is not null
        ) as tags,
        {{ dbt.safe_cast('lead_score_text', 'integer') }} as lead_score,
        utc_offset_text,
        lead_score_text,
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
            when subscriber_id is null then 'missing_id'
            when created_at is null then 'unparseable_timestamp'
            when
                (utc_offset_text is not null and utc_offset_minutes is null)
                or (lead_score_text is not null and lead_score is null)
                then 'unparseable_number'
            -- the email is the subscriber's identity in Drip
            when email is null or not contains(email, '@') then 'invalid_email'
        end as row_problem
    from typed
),

id_ranked as (
    select
        *,
        -- two different rows with one subscriber id: the one from the latest file is kept
        {{ rank_within_id('subscriber_id') }} as _id_rank
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
        subscriber_id,
        subscriber_status,
        email_raw,
        email,
        first_name,
        last_name,
        time_zone,
        utc_offset_minutes,
        created_at,
        tags,
        lead_score,
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
