-- Every raw contact row read, typed, with its fate: staged, duplicate or quarantined (and why).
with

source as (
    select * from {{ raw_source('hubspot', 'contacts') }}
),

associations as (
    -- the company association under each of its export names, each split on `;`
    select
        *,
        list_filter(
            list_transform(
                string_split(coalesce("Associated Company IDs", ''), ';'),
                id_text -> trim(id_text)
            ),
            id_text -> id_text != ''
        ) as ids_all_column,
        list_filter(
            list_transform(
                string_split(coalesce("Associated Company IDs (Primary)", ''), ';'),
                id_text -> trim(id_text)
            ),
            id_text -> id_text != ''
        ) as ids_primary_column,
        list_filter(
            list_transform(
                string_split(coalesce("Primary Associated Company ID", ''), ';'),
                id_text -> trim(id_text)
            ),
            id_text -> id_text != ''
        ) as ids_primary_property,
        list_filter(
            list_transform(
                string_split(coalesce("Associated Company ID", ''), ';'),
                id_text -> trim(id_text)
            ),
            id_text -> id_text != ''
        ) as ids_former_property,
        list_filter(
            list_transform(
                string_split(coalesce("Company ID", ''), ';'),
                id_text -> trim(id_text)
            ),
            id_text -> id_text != ''
        ) as ids_company_id_column
    from source
),

primary_company as (
    select
        *,
        -- a column naming the primary company first, then the first of all associated
        coalesce(
            ids_primary_column[1],
            ids_primary_property[1],
            ids_former_property[1],
            ids_all_column[1],
            ids_company_id_column[1]
        ) as primary_company_id,
        case
            when len(ids_all_column) > 0 then ids_all_column
            when len(ids_primary_column) > 0 then ids_primary_column
            when len(ids_primary_property) > 0 then ids_primary_property
            when len(ids_former_property) > 0 then ids_former_property
            else ids_company_id_column
        end as all_company_ids
    from associations
),

other_companies as (
    select
        *,
        list_filter(all_company_ids, id_text -> id_text != primary_company_id)
            as other_company_ids
    from primary_company
),

typed as (
    select
        nullif(trim("Record ID"), '') as contact_id,
        nullif(trim("First Name"), '') as first_name,
        nullif(trim("Last Name"), '') as last_name,
        email as email_raw,
        nullif(lower(trim(email)), '') as email,
        nullif(trim("Company Name"), '') as company_name,
        nullif(trim("Website URL"), '') as website_url,
        nullif(lower(trim("Lifecycle Stage")), '') as lifecycle_stage,
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
        -- the primary company first, then the others
        case
            when primary_company_id is null then all_company_ids
            else list_prepend(primary_company_id, other_company_ids)
        end as associated_company_ids,
        _raw_record,
        _source_file,
        _line_number,
        _read_problem,
        {{ number_copies() }} as _copy_number
    from other_companies
),

row_checked as (
    select
        *,
        case
            -- a line or file that could not be read, or a required column the file lacks
            when _read_problem is not null then _read_problem
            when contact_id is null then 'missing_id'
            when created_at is null then 'unparseable_timestamp'
            when updated_at is null and has_updated_text then 'unparseable_timestamp'
        end as row_problem
    from typed
),

id_ranked as (
    select
        *,
        -- two different rows with one contact id: the most recently modified one is kept
        {{ rank_within_id(
            'contact_id',
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
        associated_company_ids[1] as company_id,
        {{ row_status('_copy_number', 'quarantine_reason') }} as row_status
    from reasoned
)

{{ base_rows('final') }}
