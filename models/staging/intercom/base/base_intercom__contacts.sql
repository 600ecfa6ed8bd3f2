-- Every raw contact row read, typed, with its fate: staged, duplicate or quarantined (and why).
with

source as (
    select * from {{ raw_source('intercom', 'contacts') }}
),

trimmed as (
    select
        *,
        nullif(trim(created_at), '') as created_at_text,
        nullif(trim(updated_at), '') as updated_at_text,
        nullif(trim(last_seen_at), '') as last_seen_at_text,
        nullif(trim(custom_attributes ->> 'utc_offset'), '') as utc_offset_text
    from source
),

typed as (
    select
        nullif(trim(id), '') as contact_id,
        nullif(trim(external_id), '') as external_id,
        nullif(lower(trim(role)), '') as contact_role,
        email as email_raw,
        nullif(lower(trim(email)), '') as email,
        nullif(trim(name), '') as contact_name,
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
        {{ dbt.dateadd(
            'second',
            dbt.safe_cast('last_seen_at_text', 'bigint'),
            "cast('1970-01-01' as timestamp)"
        ) }} as last_seen_at,
        nullif(trim(location ->> 'country'), '') as country,
        nullif(trim(location ->> 'region'), '') as region,
        nullif(trim(location ->> 'city'), '') as city,
        {{ dbt.safe_cast('utc_offset_text', 'double') }} as utc_offset_hours,
        created_at_text,
        updated_at_text,
        last_seen_at_text,
        utc_offset_text,
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
            when contact_id is null then 'missing_id'
            when
                created_at is null
                or (updated_at_text is not null and updated_at is null)
                or (last_seen_at_text is not null and last_seen_at is null)
                then 'unparseable_timestamp'
            when utc_offset_text is not null and utc_offset_hours is null
                then 'unparseable_number'
        end as row_problem
    from typed
),

id_ranked as (
    select
        *,
        -- two different rows with one contact id: the last updated one is kept
        {{ rank_within_id('contact_id', 'updated_at desc nulls last, _source_file desc') }}
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
        contact_id,
        external_id,
        contact_role,
        email_raw,
        email,
        contact_name,
        created_at,
        updated_at,
        last_seen_at,
        country,
        region,
        city,
        utc_offset_hours,
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
