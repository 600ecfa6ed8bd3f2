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
        {#- one branch per damaged file, per CSV file, per set of Parquet files with one set
            of columns, and one for every JSON file: a year of daily exports is one scan -#}
        {%- set branches = [] -%}
        {%- set groups = {} -%}
        {%- set order = [] -%}
        {%- for file in readable -%}
            {%- if file.problem -%}
                {%- do branches.append(raw_unreadable_branch(table, file)) -%}
            {%- else -%}
                {#- a CSV file is read on its own: in a scan of several files DuckDB 1.5 can
                    lose the rejected line of an open quote at a file's end -#}
                {%- set key = file.format ~ '|' ~ (
                    file.path if file.format == 'csv'
                    else file.header | join('|') if file.format == 'parquet' else '') -%}
                {%- if key not in groups -%}
                    {%- do groups.update({key: []}) -%}
                    {%- do order.append(key) -%}
                {%- endif -%}
                {%- do groups[key].append(file) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- for key in order -%}
            {%- set group = groups[key] -%}
            {%- if group[0].format == 'csv' -%}
                {%- do branches.append(raw_csv_branch(table, group)) -%}
            {%- elif group[0].format == 'json' -%}
                {%- do branches.append(raw_json_branch(table, group)) -%}
            {%- else -%}
                {%- do branches.append(raw_parquet_branch(table, group)) -%}
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
    {{ raw_line_size_options() }}
{%- endmacro %}


{#- The longest line the CSV reader takes (64 MiB: a field of a few MiB is a value, and is
    quarantined by its model if it is not one), and its buffer, set to the same size: by
    default DuckDB reads in buffers of 16 lines of the longest size, 1 GiB per file and thread,
    which alone broke a 3 GiB memory limit at 1 M customers. A line across two buffers is read
    whole. -#}
{% macro raw_line_size_options() -%}
    max_line_size = 67108864, buffer_size = 67108864
{%- endmacro %}


{#- One branch: the declared columns from `values` (SQL per column name over `reader`, null
    where absent), the raw record, file, line and read problem. Text loses its control
    characters only in rows whose raw record shows one (raw_controls_flag), so clean rows cost
    a few substring searches, not a pattern per column. -#}
{% macro raw_select(table, values, raw_record, file, line_number, read_problem, reader) -%}
    select
        {%- for column in table.columns %}
        {{ raw_text_value(adapter.quote(column.name), column.type, '_has_controls') }}
            as {{ adapter.quote(column.name) }},
        {%- endfor %}
        _raw_record,
        _source_file,
        _line_number,
        _read_problem
    from (
        select
            *,
            {{ raw_controls_flag('_raw_record') }} as _has_controls
        from (
            select
                {%- for column in table.columns %}
                {{ values.get(column.name, 'null') }} as {{ adapter.quote(column.name) }},
                {%- endfor %}
                {{ raw_record }} as _raw_record,
                {{ file }} as _source_file,
                {{ line_number }} as _line_number,
                {{ read_problem }} as _read_problem
            {{ reader }}
        )
    )
{%- endmacro %}


{#- True when JSON text (a raw record, or a JSON line) holds a control character: escaped
    (\u0000-\u001f, \b, \f) or a raw DEL; false for most rows, with a few substring searches
    (a pattern match over every raw record cost twice as much). -#}
{% macro raw_controls_flag(json_text) -%}
    coalesce(
        contains({{ json_text }}, '\u00')
        or contains({{ json_text }}, '\b')
        or contains({{ json_text }}, '\f')
        or contains({{ json_text }}, chr(127)),
        false
    )
{%- endmacro %}


{#- The read problem of each file of a group that lacks a required column (its first missing
    one), as SQL over `file_column`: null for the others. -#}
{% macro raw_missing_required(table, files, file_column) -%}
    {%- set cases = [] -%}
    {%- for file in files -%}
        {%- set missing = table.columns | selectattr('required')
            | rejectattr('name', 'in', file.columns) | map(attribute='name') | list -%}
        {%- if missing -%}
            {%- do cases.append("when " ~ sql_string(file.path) ~ " then "
                ~ sql_string('missing_column:' ~ missing[0])) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if cases -%}
        case {{ file_column }} {{ cases | join(' ') }} end
    {%- else -%}
        null::varchar
    {%- endif -%}
{%- endmacro %}


{#- A file's line from the rows' position in one scan of `files` (their rows come in file
    order, each file's in line order): the position less the file's first, plus `offset` (1, or
    2 past a CSV header). A scan of one file needs no window for it.
    The position (`row_number() over ()` on the reader) keeps the scan's order, so DuckDB runs
    it, and every operator above it up to the next one that collects all rows, on one thread.
    The branches sort by it right away: the rows arrive in order, so the sort is cheap, and the
    parsing and typing above it run on every thread (Drip events at 100 k: 2.2 s
    against 2.5-2.9 s on 2 threads). -#}
{% macro raw_line_in_file(position, file_column, offset, files) -%}
    {%- if files | length == 1 -%}
        {{ position }} + {{ offset - 1 }}
    {%- else -%}
        {{ position }} - min({{ position }}) over (partition by {{ file_column }}) + {{ offset }}
    {%- endif -%}
{%- endmacro %}


{% macro raw_empty_branch(table) -%}
    {%- set values = {} -%}
    {%- for column in table.columns -%}
        {%- do values.update({column.name: 'null::' ~ column.type}) -%}
    {%- endfor -%}
    {{ raw_select(
        table, values, 'null::varchar', "''", 'null::bigint', 'null::varchar', 'where false'
    ) }}
{%- endmacro %}


{% macro raw_unreadable_branch(table, file) -%}
    {{ raw_select(
        table, {}, sql_string(file.problem_detail), sql_string(file.path), '1::bigint',
        sql_string(file.problem), ''
    ) }}
{%- endmacro %}


{#- CSV files (one, see raw_source) with one header, in one scan. -#}
{% macro raw_csv_branch(table, files) -%}
    {%- set first = files[0] -%}
    {%- set values = {} -%}
    {%- for column in table.columns if column.name in first.columns -%}
        {%- do values.update({column.name: 'cast(' ~ adapter.quote(first.columns[column.name])
            ~ ' as varchar)'}) -%}
    {%- endfor -%}
    {%- set typed = {} -%}
    {%- for column in table.columns -%}
        {%- do typed.update({column.name: values.get(column.name, 'null') ~ '::' ~ column.type}) -%}
    {%- endfor -%}
    {%- set reader -%}
    from (
        select
            row_number() over () as _position,
            *
        from read_csv(
            {{ raw_sql_list(files | map(attribute='path')) }},
            auto_detect = false, header = true, all_varchar = true, filename = true,
            columns = {
                {%- for header in first.header %}
                {{ sql_string(header) }}: 'VARCHAR'{{ "," if not loop.last }}
                {%- endfor %}
            },
            delim = {{ sql_string(first.delimiter) }}, quote = '"', escape = '"',
            {{ raw_reject_options(table) }}
        )
        {#- the rows are already in order: see raw_line_in_file -#}
        order by _position
    )
    {%- endset -%}
    {{ raw_select(
        table, values, raw_record_json(table, typed), 'filename',
        raw_line_in_file('_position', 'filename', 2, files),
        raw_missing_required(table, files, 'filename'), reader
    ) }}
{%- endmacro %}


{#- Every JSON file of the table, in one scan. -#}
{% macro raw_json_branch(table, files) -%}
    {%- set typed = {} -%}
    {%- for column in table.columns -%}
        {%- do typed.update({column.name: 'record.' ~ adapter.quote(column.name)}) -%}
    {%- endfor -%}
    select
        {%- for column in table.columns %}
        {{ raw_text_value(
            'record.' ~ adapter.quote(column.name), column.type, raw_controls_flag('line')
        ) }} as {{ adapter.quote(column.name) }},
        {%- endfor %}
        case
            when record is not null then {{ raw_record_json(table, typed) }}
            else left(line, 1000)
        end as _raw_record,
        filename as _source_file,
        _line_number,
        case
            when record is null then 'unreadable_line'
            else {{ raw_missing_required(table, files, 'filename') }}
        end as _read_problem
    from {{ raw_json_records(table, files) }}
{%- endmacro %}


{#- The JSON spec (for from_json) of a raw table's records: each declared column as VARCHAR or
    JSON, and each records_path of an API page as JSON, so that one parse of a line reads a
    record or finds a page. -#}
{% macro raw_json_spec(table) -%}
    {%- set spec = {} -%}
    {%- for column in table.columns -%}
        {%- do spec.update({column.name: 'JSON' if column.type | lower == 'json' else 'VARCHAR'}) -%}
    {%- endfor -%}
    {%- for path in table.records_paths -%}
        {%- set keys = path.split('.') -%}
        {%- if keys[0] not in spec -%}
            {%- set ns = namespace(node=spec) -%}
            {%- for key in keys -%}
                {%- if loop.last -%}
                    {%- do ns.node.update({key: 'JSON'}) -%}
                {%- else -%}
                    {%- if key not in ns.node -%}
                        {%- do ns.node.update({key: {}}) -%}
                    {%- endif -%}
                    {%- set ns.node = ns.node[key] -%}
                {%- endif -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(spec | tojson) }}
{%- endmacro %}


{#- The records of JSON files: (filename, _line_number, line, record) with `record` the struct
    of the declared columns (raw_json_spec), one per object on a line, per element of an array
    of objects on a line, or per record of an API page on a line (`records_path`); a line that
    is not JSON, or not objects, gives one row whose record is null. Blank lines give none.
    Each line is parsed once (a page's records once more). -#}
{% macro raw_json_records(table, files, keep_rejects=true) -%}
    {%- set spec = raw_json_spec(table) -%}
    {%- set list_spec = '[' ~ spec ~ ']' -%}
    (
        select
            filename,
            _line_number,
            line,
            unnest(
                case
                    when kind = 'object' and parsed is null then [null]
                    {%- for path in table.records_paths %}
                    when kind = 'object' and parsed.{{ path.split('.') | map('tojson') | join('.') }}
                        is not null
                        then coalesce(
                            try(from_json(
                                parsed.{{ path.split('.') | map('tojson') | join('.') }},
                                {{ sql_string(list_spec) }}
                            )),
                            [null]
                        )
                    {%- endfor %}
                    when kind = 'object' then [parsed]
                    when
                        kind = 'array'
                        and coalesce(
                            list_bool_and(
                                list_transform(
                                    try(json_extract(text, '$[*]')),
                                    item -> json_type(item) = 'OBJECT'
                                )
                            ),
                            false
                        )
                        then try(from_json(text, {{ sql_string(list_spec) }}))
                    else [null]
                end
            ) as record
        from (
            select
                filename,
                _line_number,
                line,
                text,
                kind,
                case
                    when kind = 'object' then try(from_json(text, {{ sql_string(spec) }}))
                end as parsed
            from (
                select
                    filename,
                    _line_number,
                    line,
                    text,
                    case left(text, 1) when '{' then 'object' when '[' then 'array' end as kind
                from (
                    select
                        filename,
                        _line_number,
                        line,
                        -- a byte-order mark or spaces before the value (JSON allows them after)
                        case
                            when left(line, 1) in ('{', '[') then line
                            else regexp_replace(line, '^[\x{FEFF}\s]+', '')
                        end as text
                    from (
                        select
                            filename,
                            {{ raw_line_in_file('_position', 'filename', 1, files) }} as _line_number,
                            line
                        from (
                            select
                                row_number() over () as _position,
                                filename,
                                line
                            from read_csv(
                                {{ raw_sql_list(files | map(attribute='path')) }},
                                auto_detect = false, header = false, filename = true,
                                columns = {'line': 'VARCHAR'},
                                -- a raw control character cannot stand in valid JSON text
                                delim = chr(1), quote = '', escape = '',
                                {% if keep_rejects -%}
                                    {{ raw_reject_options(table) }}
                                {%- else -%}
                                    strict_mode = true, ignore_errors = true,
                                    {{ raw_line_size_options() }}
                                {%- endif %}
                            )
                            {#- the rows are already in order: see raw_line_in_file -#}
                            order by _position
                        )
                    )
                    where left(line, 1) in ('{', '[') or regexp_matches(line, '\S')
                )
            )
        )
    )
{%- endmacro %}


{#- Parquet files that share one set of columns, in one scan. -#}
{% macro raw_parquet_branch(table, files) -%}
    {%- set first = files[0] -%}
    {%- set values = {} -%}
    {%- for column in table.columns if column.name in first.columns -%}
        {%- do values.update({column.name: adapter.quote(first.columns[column.name])}) -%}
    {%- endfor -%}
    {%- set typed = {} -%}
    {%- for column in table.columns -%}
        {%- do typed.update({column.name: values.get(column.name, 'null') ~ '::' ~ column.type}) -%}
    {%- endfor -%}
    {{ raw_select(
        table, values, raw_record_json(table, typed), 'filename', 'file_row_number + 1',
        raw_missing_required(table, files, 'filename'),
        'from read_parquet(' ~ raw_sql_list(files | map(attribute='path'))
        ~ ', filename = true, file_row_number = true)'
    ) }}
{%- endmacro %}


{% macro raw_text_value(expression, type, has_controls='true') -%}
    {%- if type | lower == 'varchar' -%}
        {%- set value = '(' ~ expression ~ ')::varchar' -%}
        case
            when {{ has_controls }}
                then regexp_replace({{ value }}, '[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]', '', 'g')
            else {{ value }}
        end
    {%- else -%}
        ({{ expression }})::{{ type }}
    {%- endif -%}
{%- endmacro %}
