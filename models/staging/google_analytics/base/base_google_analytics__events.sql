-- Every raw event row read, typed, with its fate: staged, duplicate or quarantined (and why).
with

source as (
    select * from {{ raw_source('google_analytics', 'events') }}
),

typed as (
    select
        -- events carry no id of their own: the raw record's hash stands in
        {{ dbt.hash('_raw_record') }} as event_id,
        cast(try_strptime(trim(event_date), '%Y%m%d') as date) as event_date,
        -- microseconds since the Unix epoch, UTC
        make_timestamp({{ dbt.safe_cast('trim(event_timestamp)', 'bigint') }}) as event_at,
        nullif(trim(event_name), '') as event_name,
        nullif(trim(user_pseudo_id), '') as user_pseudo_id,
        nullif(trim(user_id), '') as user_id,
        nullif(trim(ga_session_id), '') as session_id,
        nullif(trim(page_location), '') as page_location,
        coalesce(
            nullif(regexp_extract(trim(page_location), '^[a-zA-Z]+://[^/?#]*([^?#]*)', 1), ''),
            '/'
        ) as page_path,
        nullif(trim(geo_country), '') as geo_country,
        nullif(trim(traffic_source_source), '') as traffic_source,
        nullif(trim(traffic_source_medium), '') as traffic_medium,
        _raw_record,
        _source_file,
        _line_number,
        _read_problem,
        {{ number_copies() }} as _copy_number
    from source
),

row_checked as (
    select
        *,
        case
            -- a line or file that could not be read, or a required column the file lacks
            when _read_problem is not null then _read_problem
            when user_pseudo_id is null then 'missing_id'
            when event_at is null or event_date is null then 'unparseable_timestamp'
        end as row_problem
    from typed
),

reasoned as (
    select
        *,
        -- the id is the raw record itself: exact copies are the only duplicates
        row_problem as quarantine_reason
    from row_checked
),

final as (
    select
        *,
        {{ row_status('_copy_number', 'quarantine_reason') }} as row_status
    from reasoned
)

select * from final
