-- One row per file a raw table's glob matched (every table in the registry): its size, the
-- rows read from it and their fate, and its columns against the ones its source declares.
{%- set tables = registry_tables() %}

with

{% for entry in tables %}
    {%- set table = raw_table(entry.source, entry.table) if execute else none %}
    {%- set files = raw_files(entry.source, entry.table) %}
    {{ entry.source }}__{{ entry.table }}__files as (
        {%- if files %}
    select
        file_path,
        file_format,
        bytes,
        columns_found
    from (
        {%- for file in files %}
        select
            {{ sql_string(file.path) }} as file_path,
            {{ sql_string(file.format) }} as file_format,
            cast({{ file.bytes }} as bigint) as bytes,
            [
                {%- for name in file.header -%}
                    {{ sql_string(name) }}{{ ", " if not loop.last }}
                {%- endfor -%}
            ]::varchar [] as columns_found
        {%- if not loop.last %}
        union all
        {%- endif %}
        {%- endfor %}
    )
    {%- else %}
            select
                null::varchar as file_path,
                null::varchar as file_format,
                null::bigint as bytes,
                null::varchar[] as columns_found
            where false
        {%- endif %}
    ),

    {{ entry.source }}__{{ entry.table }}__rows as (
        select
            _source_file as file_path,
            count(*) as rows_in,
            count(*) filter (where row_status = 'staged') as rows_staged,
            count(*) filter (where row_status = 'quarantined') as rows_quarantined,
            count(*) filter (where row_status = 'duplicate') as duplicates_removed,
            count(*) filter (where _read_problem like 'unreadable_%') as rows_unreadable,
            count(distinct _line_number) as lines_read
        from {{ ref(entry.base_model) }}
        group by _source_file
    ),

    {{ entry.source }}__{{ entry.table }} as (
        select
            '{{ entry.source }}' as source_name,
            '{{ entry.table }}' as table_name,
            files.file_path,
            files.file_format,
            files.bytes,
            coalesce(file_rows.lines_read, 0) as lines_read,
            coalesce(file_rows.rows_in, 0) as rows_in,
            coalesce(file_rows.rows_staged, 0) as rows_staged,
            coalesce(file_rows.rows_quarantined, 0) as rows_quarantined,
            coalesce(file_rows.duplicates_removed, 0) as duplicates_removed,
            coalesce(file_rows.rows_unreadable, 0) as rows_unreadable,
            files.columns_found,
            {%- set declared = table.columns if table else [] %}
            list_filter(
                [
                    {%- for column in declared -%}
                        {{ sql_string(column.name) }}{{ ", " if not loop.last }}
                    {%- endfor -%}
                ]::varchar[],
                name -> not list_contains(
                    list_transform(files.columns_found, found -> lower(trim(found))),
                    lower(trim(name))
                )
            ) as columns_missing,
            list_filter(
                files.columns_found,
                found -> not list_contains(
                    [
                        {%- for column in declared -%}
                            {{ sql_string(column.name | lower) }}{{ ", " if not loop.last }}
                        {%- endfor -%}
                    ]::varchar[],
                    lower(trim(found))
                )
            ) as columns_unexpected
        from {{ entry.source }}__{{ entry.table }}__files as files
        left join {{ entry.source }}__{{ entry.table }}__rows as file_rows
            on files.file_path = file_rows.file_path
    ),

{% endfor -%}
unioned as (
    {%- for entry in tables %}
        select * from {{ entry.source }}__{{ entry.table }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

final as (
    select * from unioned
)

select * from final
