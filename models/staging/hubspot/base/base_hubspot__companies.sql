-- Every raw company row read, typed, with its fate: staged, duplicate or quarantined (and why).
with

source as (
    select * from {{ raw_source('hubspot', 'companies') }}
),

typed as (
    select
        nullif(trim("Record ID"), '') as company_id,
        nullif(trim("Company name"), '') as company_name,
        "Company Domain Name" as domain_raw,
        nullif(lower(trim("Company Domain Name")), '') as domain,  -- noqa: RF04
        nullif(trim("Website URL"), '') as website_url,
        nullif(trim(industry), '') as industry,
        {{ dbt.safe_cast("replace(trim(\"Number of Employees\"), ',', '')", 'integer') }}
            as employee_count,
        nullif(trim("Employee Range"), '') as employee_range,
        nullif(trim(territory), '') as territory,
        nullif(trim("Country/Region"), '') as country,
        nullif(trim("Time Zone"), '') as time_zone,
        -- wall-clock times in the portal's time zone, with or without seconds
        {{ to_utc(
            "try_strptime(trim(\"Create Date\"), ['%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M'])",
            var('hubspot_timezone')
        ) }} as created_at,
        {{ to_utc(
            "try_strptime(trim(\"Last Modified Date\"), ['%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M'])",
            var('hubspot_timezone')
        ) }} as updated_at,
        nullif(trim("Last Modified Date"), '') is not null as has_updated_text,
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
            when company_id is null then 'missing_id'
            when created_at is null then 'unparseable_timestamp'
            when updated_at is null and has_updated_text then 'unparseable_timestamp'
        end as row_problem
    from typed
),

id_ranked as (
    select
        *,
        -- two different rows with one company id: the most recently modified one is kept
        {{ rank_within_id(
            'company_id',
            'coalesce(updated_at, created_at) desc, _source_file desc'
        ) }} as _id_rank
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
        *,
        {{ row_status('_copy_number', 'quarantine_reason') }} as row_status
    from reasoned
)

{{ base_rows('final') }}
