{#-
    Reads one raw table's export files as the columns its source declares, cast to the declared
    raw type (text, or JSON for nested values), plus:
      _raw_record    the row's declared columns as JSON text (what a quarantine keeps); for a
                     line that could not be read, the line's text (its first 1,000 characters)
      _source_file   the file the row came from
      _line_number   its line in the file (JSON lines: the physical line, which a page of
                     records shares; CSV: the header's line plus the data row's position; Parquet:
                     the row's position)
      _read_problem  null, or why the row cannot be used whatever its values: `unreadable_line`,
                     `unreadable_file`, `missing_column:<name>` (a required column the file lacks)

    Nothing stops the build: every file the table's glob matches is read on its own (see
    raw_files), a 0-byte file is empty, a line that cannot be read is a row with
    `_read_problem`, and a file that lacks a column reads it as null. Formats by file extension:
      CSV  (.csv, .tsv, .txt, also .gz): RFC 4180 with a header row. Lines DuckDB's reader cannot
           parse (field count, encoding, quoting) are kept by its `store_rejects` tables and added
           to the base model by a post-hook (raw_rejects).
      JSON (.jsonl, .ndjson, .json, also .gz): one JSON value per line, read as text lines and
           parsed per line: an object is a record; an array, or an API page whose records sit at
           one of the table's `records_path` (source YAML meta), holds several.
      Parquet: by column name; a file that is not Parquet (bad magic bytes) is one unreadable row.
    Every base model reads its files through this macro, which makes it a table (the files are
    parsed once per build; the staging views read the table), adds the hooks that collect the
    reader's rejected lines, and fails when the raw table is not in the source registry.
-#}
{% macro raw_source(source_name, table_name) %}
    {%- set names = "'" ~ source_name ~ "', '" ~ table_name ~ "'" -%}
    {{- config(
        materialized='table',
        pre_hook=["{{ raw_rejects_reset(" ~ names ~ ") }}"],
        post_hook=[
            "{{ raw_rejects_renumber(" ~ names ~ ") }}",
            "{{ raw_rejects_insert(" ~ names ~ ") }}",
        ],
    ) -}}
    {%- do registry_table(source_name, table_name) -%}
    {%- set relation = source(source_name, table_name) -%}
    {%- if not execute -%}
        {{ return(relation) }}
    {%- endif -%}
    {#- In a dbt unit test, source() is the test's fixture: read it as it is. -#}
    {%- if model is defined and model.resource_type == 'unit_test' -%}
        {{ return("(select fixture.*, to_json(fixture)::varchar as _raw_record,"
            ~ " 'unit_test_fixture' as _source_file, null::bigint as _line_number,"
            ~ " null::varchar as _read_problem from " ~ relation ~ " as fixture)") }}
    {%- endif -%}

    {%- set table = raw_table(source_name, table_name) -%}
    {%- set files = raw_files(source_name, table_name) -%}
    {%- set readable = files | rejectattr('bytes', 'equalto', 0) | list -%}
    {%- if not readable -%}
        {{ log("hvc: no file with data matches " ~ table.location ~ " for source "
            ~ source_name ~ "." ~ table_name ~ "; its staging models build empty", info=True) }}
        {%- set branches = [raw_empty_branch(table)] -%}
    {%- else -%}
        {%- set branches = [] -%}
        {%- for file in readable -%}
            {%- if file.problem -%}
                {%- do branches.append(raw_unreadable_branch(table, file)) -%}
            {%- elif file.format == 'csv' -%}
                {%- do branches.append(raw_csv_branch(table, file)) -%}
            {%- elif file.format == 'json' -%}
                {%- do branches.append(raw_json_branch(table, file)) -%}
            {%- else -%}
                {%- do branches.append(raw_parquet_branch(table, file)) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    (
        {{ branches | join('\n        union all by name\n') }}
    )
{% endmacro %}


{#- The declared columns, glob, records paths and reject table names of a raw table. -#}
{% macro raw_table(source_name, table_name) -%}
    {%- set node = graph.sources.values()
        | selectattr('source_name', 'equalto', source_name)
        | selectattr('name', 'equalto', table_name)
        | first -%}
    {%- set meta = node.config.meta or node.meta -%}
    {%- set columns = node.columns.values() | list -%}
    {%- if columns | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            "source " ~ source_name ~ "." ~ table_name ~ " declares no columns: list them in "
            ~ "models/staging/" ~ source_name ~ "/_" ~ source_name ~ "__sources.yml") }}
    {%- endif -%}
    {%- set declared = [] -%}
    {%- for column in columns -%}
        {%- set column_meta = column.config.meta if column.config is defined and column.config.meta
            else column.meta -%}
        {%- do declared.append({
            'name': column.name,
            'type': column.data_type or 'varchar',
            'required': column_meta.get('required', false),
        }) -%}
    {%- endfor -%}
    {%- set names = raw_reject_names(source_name, table_name) -%}
    {{ return({
        'source': source_name,
        'table': table_name,
        'location': meta.get('raw_files'),
        'records_paths': meta.get('records_path', []) if meta.get('records_path', []) is not string
            else [meta.get('records_path')],
        'columns': declared,
        'rejects_table': names.rejects_table,
        'rejects_scan': names.rejects_scan,
    }) }}
{%- endmacro %}


{#- The JSON text of a row's declared columns, as each branch builds them. -#}
{% macro raw_record_json(table, values) -%}
    to_json(struct_pack(
        {%- for column in table.columns %}
        {{ adapter.quote(column.name) }} := {{ values[column.name] }}{{ "," if not loop.last }}
        {%- endfor %}
    ))::varchar
{%- endmacro %}


{#- The reader options that send unreadable lines to this model's reject tables. -#}
{% macro raw_reject_options(table) -%}
    strict_mode = true, ignore_errors = true, store_rejects = true,
    rejects_table = {{ sql_string(table.rejects_table) }},
    rejects_scan = {{ sql_string(table.rejects_scan) }},
    max_line_size = 67108864
{%- endmacro %}


{#- One `select` per branch: the declared columns from `values` (SQL per column name, null
    where absent), the raw record, file, line and read problem. -#}
{% macro raw_select(table, values, raw_record, file, line_number, read_problem) -%}
    select
        {%- for column in table.columns %}
        {{ raw_text_value(values.get(column.name, 'null'), column.type) }}
            as {{ adapter.quote(column.name) }},
        {%- endfor %}
        {{ raw_record }} as _raw_record,
        {{ sql_string(file) }} as _source_file,
        {{ line_number }} as _line_number,
        {{ read_problem }} as _read_problem
{%- endmacro %}


{#- A read problem that applies to every row of a file: its first missing required column. -#}
{% macro raw_missing_required(table, present) -%}
    {%- set missing = table.columns | selectattr('required') | rejectattr('name', 'in', present)
        | map(attribute='name') | list -%}
    {{ sql_string('missing_column:' ~ missing[0]) if missing else 'null::varchar' }}
{%- endmacro %}


{% macro raw_empty_branch(table) -%}
    {%- set values = {} -%}
    {%- for column in table.columns -%}
        {%- do values.update({column.name: 'null::' ~ column.type}) -%}
    {%- endfor -%}
    {{ raw_select(table, values, 'null::varchar', '', 'null::bigint', 'null::varchar') }}
    where false
{%- endmacro %}


{% macro raw_unreadable_branch(table, file) -%}
    {{ raw_select(
        table, {}, sql_string(file.problem_detail), file.path, '1::bigint',
        sql_string(file.problem)
    ) }}
{%- endmacro %}


{% macro raw_csv_branch(table, file) -%}
    {%- set values = {} -%}
    {%- for column in table.columns if column.name in file.columns -%}
        {%- do values.update({column.name: 'cast(' ~ adapter.quote(file.columns[column.name])
            ~ ' as varchar)'}) -%}
    {%- endfor -%}
    {%- set typed = {} -%}
    {%- for column in table.columns -%}
        {%- do typed.update({column.name: values.get(column.name, 'null') ~ '::' ~ column.type}) -%}
    {%- endfor -%}
    {{ raw_select(
        table, values, raw_record_json(table, typed), file.path,
        'row_number() over () + 1', raw_missing_required(table, file.columns)
    ) }}
    from read_csv(
        {{ sql_string(file.path) }},
        auto_detect = false, header = true, all_varchar = true,
        columns = {
            {%- for header in file.header %}
            {{ sql_string(header) }}: 'VARCHAR'{{ "," if not loop.last }}
            {%- endfor %}
        },
        delim = {{ sql_string(file.delimiter) }}, quote = '"', escape = '"',
        {{ raw_reject_options(table) }}
    )
{%- endmacro %}


{% macro raw_json_branch(table, file) -%}
    {%- set values = {} -%}
    {%- for column in table.columns -%}
        {%- set path = sql_string('$."' ~ column.name | replace('"', '\\"') ~ '"') -%}
        {%- if column.type | lower == 'json' -%}
            {#- a JSON null is no value, as for a text column -#}
            {%- do values.update({column.name: "nullif(json_extract(record, " ~ path
                ~ "), 'null'::json)"}) -%}
        {%- else -%}
            {%- do values.update({column.name: 'json_extract_string(record, ' ~ path ~ ')'}) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set typed = {} -%}
    {%- for column in table.columns -%}
        {%- do typed.update({column.name: values[column.name] ~ '::' ~ column.type}) -%}
    {%- endfor -%}
    {%- set required = table.columns | selectattr('required') | list -%}
    select
        {%- for column in table.columns %}
        {{ raw_text_value(
            'case when read_problem is null then ' ~ values[column.name] ~ ' end', column.type
        ) }} as {{ adapter.quote(column.name) }},
        {%- endfor %}
        case
            when read_problem is null then {{ raw_record_json(table, typed) }}
            else left(line, 1000)
        end as _raw_record,
        {{ sql_string(file.path) }} as _source_file,
        _line_number,
        coalesce(
            read_problem,
            {%- for column in required %}
            case
                when not bool_or(json_exists(record, {{ sql_string('$."' ~ column.name ~ '"') }}))
                    over ()
                    then {{ sql_string('missing_column:' ~ column.name) }}
            end,
            {%- endfor %}
            null
        ) as _read_problem
    from {{ raw_json_records(table, file) }}
{%- endmacro %}


{#- The records of one JSON file: (_line_number, line, record, read_problem), one per object
    on a line, per element of an array on a line, or per record of an API page on a line
    (`records_path`); a line that is not JSON, or an element that is not an object, is a row
    with read_problem `unreadable_line`. Blank lines are no rows. -#}
{% macro raw_json_records(table, file, keep_rejects=true) -%}
    (
        select
            _line_number,
            line,
            record,
            case
                when record is null or json_type(record) <> 'OBJECT' then 'unreadable_line'
            end as read_problem
        from (
            select
                _line_number,
                line,
                -- a line whose values are not all objects is one unreadable row
                unnest(
                    case
                        when list_bool_and(list_transform(items, item -> json_type(item) = 'OBJECT'))
                            then items
                        else [null::json]
                    end
                ) as record
            from (
            select
                _line_number,
                line,
                case
                    when kind is null then [null::json]
                    {%- for path in table.records_paths %}
                    when kind = 'OBJECT'
                        and json_type(text, {{ sql_string('$.' ~ path) }}) = 'ARRAY'
                        then json_extract(text, {{ sql_string('$.' ~ path ~ '[*]') }})
                    {%- endfor %}
                    when kind = 'ARRAY' then json_extract(text, '$[*]')
                    else [text::json]
                end as items
            from (
                select
                    _line_number,
                    line,
                    text,
                    case when json_valid(text) then json_type(text) end as kind
                from (
                    select
                        _line_number,
                        line,
                        -- a byte-order mark, a carriage return or spaces around the value
                        trim(ltrim(line, chr(65279)), chr(32) || chr(9) || chr(13)) as text
                    from (
                        select
                            row_number() over () as _line_number,
                            line
                        from read_csv(
                            {{ sql_string(file.path) }},
                            auto_detect = false, header = false,
                            columns = {'line': 'VARCHAR'},
                            -- a raw control character cannot stand in valid JSON text
                            delim = chr(1), quote = '', escape = '',
                            {% if keep_rejects -%}
                                {{ raw_reject_options(table) }}
                            {%- else -%}
                                strict_mode = true, ignore_errors = true,
                                max_line_size = 67108864
                            {%- endif %}
                        )
                    )
                    where trim(coalesce(line, ''), chr(32) || chr(9) || chr(13)) <> ''
                )
            )
            )
        )
    )
{%- endmacro %}


{% macro raw_parquet_branch(table, file) -%}
    {%- set values = {} -%}
    {%- for column in table.columns if column.name in file.columns -%}
        {%- do values.update({column.name: adapter.quote(file.columns[column.name])}) -%}
    {%- endfor -%}
    {%- set typed = {} -%}
    {%- for column in table.columns -%}
        {%- do typed.update({column.name: values.get(column.name, 'null') ~ '::' ~ column.type}) -%}
    {%- endfor -%}
    {{ raw_select(
        table, values, raw_record_json(table, typed), file.path, 'file_row_number + 1',
        raw_missing_required(table, file.columns)
    ) }}
    from read_parquet({{ sql_string(file.path) }}, file_row_number = true)
{%- endmacro %}


{#- A value as its declared type; text without NUL and the other control characters (tab, line
    feed and carriage return kept), which no field means and some readers choke on. -#}
{% macro raw_text_value(expression, type) -%}
    {%- if type | lower == 'varchar' -%}
        {%- set controls = [] -%}
        {%- for code in range(32) if code not in [9, 10, 13] -%}
            {%- do controls.append('chr(' ~ code ~ ')') -%}
        {%- endfor -%}
        {%- do controls.append('chr(127)') -%}
        translate(({{ expression }})::varchar, {{ controls | join(' || ') }}, '')
    {%- else -%}
        ({{ expression }})::{{ type }}
    {%- endif -%}
{%- endmacro %}
