{#-
    The lines of a raw table's files that DuckDB's CSV reader could not read (wrong number of
    fields, bad encoding, broken quoting, a line over the size limit), which it keeps in this
    model's reject tables (raw_source's `store_rejects`). raw_rejects_reset drops them before
    the base model is built (pre-hook); after it, raw_rejects_renumber moves the line numbers
    of the rows read after a rejected line down by the lines rejected before them, and
    raw_rejects_insert adds each rejected line to the base model as a quarantined row
    (`unreadable_line`, with its file, line and text). No-ops where nothing was rejected.
-#}
{% macro raw_rejects_reset(source_name, table_name) -%}
    {%- set table = raw_reject_names(source_name, table_name) -%}
    drop table if exists {{ table.rejects_table }};
    drop table if exists {{ table.rejects_scan }}
{%- endmacro %}


{#- The names of the temporary tables DuckDB's reader keeps one raw table's rejected lines in. -#}
{% macro raw_reject_names(source_name, table_name) -%}
    {{ return({
        'rejects_table': 'hvc_rejects__' ~ source_name ~ '__' ~ table_name,
        'rejects_scan': 'hvc_reject_scans__' ~ source_name ~ '__' ~ table_name,
    }) }}
{%- endmacro %}


{% macro raw_rejects_present(table) -%}
    {%- if not execute -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set found = run_query(
        "select count(*) from duckdb_tables() where temporary and table_name in ("
        ~ sql_string(table.rejects_table) ~ ", " ~ sql_string(table.rejects_scan) ~ ")"
    ).columns[0].values()[0] -%}
    {{ return(found == 2) }}
{%- endmacro %}


{#- One row per rejected line: file, line, text. -#}
{% macro raw_rejected_lines(table) -%}
    (
        select
            scans.file_path as source_file,
            errors.line as line_number,
            trim(min(errors.csv_line), chr(10) || chr(13)) as line_text
        from {{ table.rejects_table }} as errors
        inner join {{ table.rejects_scan }} as scans
            on errors.scan_id = scans.scan_id and errors.file_id = scans.file_id
        group by scans.file_path, errors.line
    )
{%- endmacro %}


{% macro raw_rejects_renumber(source_name, table_name) -%}
    {%- set table = raw_reject_names(source_name, table_name) -%}
    {%- if raw_rejects_present(table) -%}
        update {{ this }} as base
        set _line_number = base._line_number + (
            select count(*)
            from (
                select
                    line_number,
                    row_number() over (order by line_number) as rejected_up_to_here
                from {{ raw_rejected_lines(table) }}
                where source_file = base._source_file
            ) as rejected
            -- a rejected line falls before the row when fewer lines were read before it
            where rejected.line_number - rejected.rejected_up_to_here < base._line_number
        )
        where base._source_file in (select source_file from {{ raw_rejected_lines(table) }})
    {%- else -%}
        select 1 as no_rejected_lines
    {%- endif -%}
{%- endmacro %}


{% macro raw_rejects_insert(source_name, table_name) -%}
    {%- set table = raw_reject_names(source_name, table_name) -%}
    {%- if raw_rejects_present(table) -%}
        {%- set present = adapter.get_columns_in_relation(this) | map(attribute='name') | list -%}
        {%- set fates = {'_copy_number': '1', 'row_problem': "'unreadable_line'",
            'quarantine_reason': "'unreadable_line'", 'row_status': "'quarantined'"} -%}
        insert into {{ this }} by name
        select
            {%- for column, value in fates.items() if column in present %}
            {{ value }} as {{ column }},
            {%- endfor %}
            left(line_text, 1000) as _raw_record,
            source_file as _source_file,
            line_number as _line_number,
            'unreadable_line' as _read_problem
        from {{ raw_rejected_lines(table) }}
    {%- else -%}
        select 1 as no_rejected_lines
    {%- endif -%}
{%- endmacro %}
