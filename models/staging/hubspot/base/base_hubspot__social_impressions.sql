-- Every raw social-impressions row read, typed, with its fate: staged, duplicate or
-- quarantined (and why).
with

source as (
    select * from {{ raw_source('hubspot', 'social_impressions') }}
),

typed as (
    select
        nullif(trim("Company ID"), '') as company_id,
        nullif(trim(month), '') as month_text,
        cast(try_strptime(trim(month) || '-01', '%Y-%m-%d') as date) as month_start_date,
        nullif(trim("Facebook Impressions"), '') as facebook_text,
        nullif(trim("Instagram Impressions"), '') as instagram_text,
        nullif(trim("X Impressions"), '') as x_text,
        {{ dbt.safe_cast("trim(\"Facebook Impressions\")", 'bigint') }} as facebook_impressions,
        {{ dbt.safe_cast("trim(\"Instagram Impressions\")", 'bigint') }} as instagram_impressions,
        {{ dbt.safe_cast("trim(\"X Impressions\")", 'bigint') }} as x_impressions,
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
        company_id || '-' || coalesce(strftime(month_start_date, '%Y-%m'), month_text)
            as social_impression_id,
        case
            -- a line or file that could not be read, or a required column the file lacks
            when _read_problem is not null then _read_problem
            when company_id is null then 'missing_id'
            when month_start_date is null then 'unparseable_timestamp'
            -- an empty count is no data; text that is not a whole number is a problem
            when
                (facebook_text is not null and facebook_impressions is null)
                or (instagram_text is not null and instagram_impressions is null)
                or (x_text is not null and x_impressions is null)
                then 'unparseable_number'
            when least(facebook_impressions, instagram_impressions, x_impressions) < 0
                then 'impossible_amount'
        end as row_problem
    from typed
),

id_ranked as (
    select
        *,
        -- two different rows for one company and month: the one from the latest file is kept
        {{ rank_within_id('social_impression_id') }} as _id_rank
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
