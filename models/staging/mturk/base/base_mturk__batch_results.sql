-- Every raw assignment row read, typed, with its fate: staged, duplicate or quarantined (and why).

{#-
    MTurk writes times like `Fri Jun 08 09:21:50 PDT 2012`: wall-clock time with a US zone
    abbreviation. The abbreviation's UTC offset (hours) turns it into UTC; an unknown
    abbreviation leaves the time null. Each column in `time_columns` is parsed so.
-#}
{%- set zone_offsets = {
    'UTC': 0, 'GMT': 0,
    'EST': -5, 'EDT': -4,
    'CST': -6, 'CDT': -5,
    'MST': -7, 'MDT': -6,
    'PST': -8, 'PDT': -7,
} -%}
{%- set time_columns = {
    'CreationTime': 'created_at',
    'AcceptTime': 'accepted_at',
    'SubmitTime': 'submitted_at',
} %}

with

source as (
    select * from {{ raw_source('mturk', 'batch_results') }}
),

typed as (
    select
        nullif(trim(assignmentid), '') as assignment_id,
        nullif(trim(hitid), '') as hit_id,
        nullif(trim(hittypeid), '') as hit_type_id,
        nullif(trim(title), '') as title,
        {{ dbt.safe_cast("replace(trim(reward), '$', '')", 'decimal(18, 2)') }}
            as reward_amount,
        {%- for column, alias in time_columns.items() %}
            try_strptime(
                regexp_replace(trim("{{ column }}"), ' [A-Z]{3} (\d{4})$', ' \1'),
                '%a %b %d %H:%M:%S %Y'
            )
            - to_hours(
                case regexp_extract(trim("{{ column }}"), ' ([A-Z]{3}) \d{4}$', 1)
                    {%- for zone, offset in zone_offsets.items() %}
                        when '{{ zone }}' then {{ offset }}
                    {%- endfor %}
                end
            ) as {{ alias }},
        {%- endfor %}
        nullif(trim(creationtime), '') is not null as has_created_text,
        nullif(trim(accepttime), '') is not null as has_accepted_text,
        {{ dbt.safe_cast('trim(maxassignments)', 'integer') }} as max_assignments,
        nullif(trim(workerid), '') as worker_id,
        nullif(lower(trim(assignmentstatus)), '') as assignment_status,
        {{ dbt.safe_cast('trim(worktimeinseconds)', 'integer') }} as work_time_seconds,
        nullif(trim("Input.website_url"), '') as website_url,
        nullif(trim("Answer.category"), '') as category,
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
            when assignment_id is null then 'missing_id'
            -- an assignment in the results has been submitted; the other times may be empty
            when
                submitted_at is null
                or (created_at is null and has_created_text)
                or (accepted_at is null and has_accepted_text)
                then 'unparseable_timestamp'
        end as row_problem
    from typed
),

id_ranked as (
    select
        *,
        -- two different rows with one assignment id: the latest submitted is kept
        {{ rank_within_id('assignment_id', 'submitted_at desc, _source_file desc') }} as _id_rank
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
