{#-
    The files one raw table's glob matches, each a dict: `path`, `bytes`, `format` (csv, json
    or parquet, from the extension), the `header` (its column names: a CSV header, the Parquet
    columns, the keys of a JSON file's first record) and `columns` (each declared column the
    file has, by name, to the file's own name for it: names match exactly, else ignoring case
    and surrounding spaces). A file whose columns cannot be read at all gets `problem` =
    `unreadable_file` and a `problem_detail`. Read at execution time only (an empty list while
    dbt parses), with one query per kind of look whatever the number of files (a year of daily
    exports is hundreds). Nothing here fails on a bad file; a glob whose extension names no
    known format stops the build with what to do.
-#}
{% macro raw_files(source_name, table_name) -%}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set table = raw_table(source_name, table_name) -%}
    {%- if not table.location -%}
        {{ exceptions.raise_compiler_error(
            "source " ~ source_name ~ "." ~ table_name ~ " names no files: set `raw_files` in the "
            ~ "meta of its table in models/staging/" ~ source_name ~ "/_" ~ source_name
            ~ "__sources.yml") }}
    {%- endif -%}
    {%- set matched = run_query(
        "select file from glob(" ~ sql_string(table.location) ~ ") order by file"
    ).columns[0].values() | list -%}
    {%- if not matched -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set sizes = {} -%}
    {%- for row in run_query(
        "select filename, size from read_blob(" ~ raw_sql_list(matched) ~ ")"
    ).rows -%}
        {%- do sizes.update({row[0]: row[1]}) -%}
    {%- endfor -%}
    {%- set files = [] -%}
    {%- for path in matched -%}
        {%- set file = {'path': path, 'bytes': sizes.get(path, 0), 'format': raw_format(path),
            'header': [], 'columns': {}, 'delimiter': '\t' if '.tsv' in path | lower else ',',
            'problem': none, 'problem_detail': none} -%}
        {%- if file.format is none -%}
            {{ exceptions.raise_compiler_error(
                "source " ~ source_name ~ "." ~ table_name ~ ": cannot tell the format of '"
                ~ path ~ "' (matched by " ~ table.location ~ "): name the files .csv, .tsv, "
                ~ ".jsonl, .ndjson, .json or .parquet (optionally .gz), or narrow the glob "
                ~ "(var raw_" ~ source_name ~ "__" ~ table_name ~ ")") }}
        {%- endif -%}
        {%- do files.append(file) -%}
    {%- endfor -%}
    {%- set with_data = files | rejectattr('bytes', 'equalto', 0) | list -%}

    {%- set csv_files = with_data | selectattr('format', 'equalto', 'csv') | list -%}
    {%- set headers = raw_first_lines(csv_files, raw_csv_header_expression) -%}
    {%- for file in csv_files -%}
        {%- set header = raw_unique_names(fromjson(headers[file.path])
            if headers.get(file.path) else []) -%}
        {%- do file.update({'header': header}) -%}
        {%- if not header -%}
            {%- do file.update({'problem': 'unreadable_file',
                'problem_detail': 'no readable header line'}) -%}
        {%- endif -%}
    {%- endfor -%}

    {%- set json_files = with_data | selectattr('format', 'equalto', 'json') | list -%}
    {%- set keys = raw_first_lines(json_files, raw_json_keys_expression, table.records_paths) -%}
    {%- for file in json_files -%}
        {%- do file.update({'header': fromjson(keys[file.path]) if keys.get(file.path) else []}) -%}
    {%- endfor -%}

    {%- set parquet_files = with_data | selectattr('format', 'equalto', 'parquet') | list -%}
    {%- if parquet_files -%}
        {%- set intact = run_query(
            "select filename from read_blob(" ~ raw_sql_list(parquet_files | map(attribute='path'))
            ~ ") where size >= 12 and content[1:4] = 'PAR1'::blob"
            ~ " and content[-4:] = 'PAR1'::blob"
        ).columns[0].values() | list -%}
        {%- set columns = {} -%}
        {%- if intact -%}
            {%- for row in run_query(
                "select file_name, to_json(list_distinct(list(split_part(path_in_schema, ', ', 1))"
                ~ "))::varchar from parquet_metadata(" ~ raw_sql_list(intact) ~ ") group by file_name"
            ).rows -%}
                {%- do columns.update({row[0]: fromjson(row[1])}) -%}
            {%- endfor -%}
        {%- endif -%}
        {%- for file in parquet_files -%}
            {%- if file.path in intact -%}
                {%- do file.update({'header': columns.get(file.path, []) | sort}) -%}
            {%- else -%}
                {%- do file.update({'problem': 'unreadable_file',
                    'problem_detail': 'not a Parquet file (truncated or damaged)'}) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}

    {%- for file in with_data -%}
        {%- for column in table.columns -%}
            {%- for name in file.header if name == column.name -%}
                {%- do file.columns.update({column.name: name}) -%}
            {%- endfor -%}
            {%- if column.name not in file.columns -%}
                {%- for name in file.header
                    if name | trim | lower == column.name | trim | lower -%}
                    {%- do file.columns.update({column.name: name}) -%}
                {%- endfor -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(files) }}
{%- endmacro %}


{#- csv, json or parquet from a file name (a .gz ending aside); none when unknown. -#}
{% macro raw_format(path) -%}
    {%- set name = path | lower -%}
    {%- set name = name[:-3] if name.endswith('.gz') else name -%}
    {%- set extension = name.split('.')[-1] -%}
    {%- if extension in ['csv', 'tsv', 'txt'] -%}
        {{ return('csv') }}
    {%- elif extension in ['json', 'jsonl', 'ndjson'] -%}
        {{ return('json') }}
    {%- elif extension == 'parquet' -%}
        {{ return('parquet') }}
    {%- endif -%}
    {{ return(none) }}
{%- endmacro %}


{#- A SQL list of paths: ['a', 'b'], each quoted. -#}
{% macro raw_sql_list(paths) -%}
    {%- set quoted = [] -%}
    {%- for path in paths -%}
        {%- do quoted.append(sql_string(path)) -%}
    {%- endfor -%}
    [{{ quoted | join(', ') }}]
{%- endmacro %}


{#- For each file, `expression(file, extra)` evaluated on its first non-blank line (a SQL
    expression over `text`, the line without a byte-order mark or surrounding spaces), in one
    query that reads only the start of each file: {path: value}. -#}
{% macro raw_first_lines(files, expression, extra=none) -%}
    {%- set values = {} -%}
    {%- if not files -%}
        {{ return(values) }}
    {%- endif -%}
    {%- set branches = [] -%}
    {%- for file in files -%}
        {%- do branches.append(
            "(select " ~ sql_string(file.path) ~ " as path, " ~ expression(file, extra)
            ~ " as value from (select trim(ltrim(line, chr(65279)), chr(32) || chr(9) || chr(13))"
            ~ " as text, line from read_csv(" ~ sql_string(file.path) ~ ", auto_detect = false,"
            ~ " header = false, columns = {'line': 'VARCHAR'}, delim = chr(1), quote = '',"
            ~ " escape = '', strict_mode = false, ignore_errors = true,"
            ~ " " ~ raw_line_size_options() ~ ") where regexp_matches(line, '\\S') limit 1))"
        ) -%}
    {%- endfor -%}
    {%- for row in run_query(branches | join(' union all ')).rows -%}
        {%- do values.update({row[0]: row[1]}) -%}
    {%- endfor -%}
    {{ return(values) }}
{%- endmacro %}


{#- The column names on a CSV file's first line, as JSON text (quoted names unquoted, a
    byte-order mark dropped); null when the line holds control characters (not a header: a
    binary or damaged file). -#}
{% macro raw_csv_header_expression(file, extra=none) -%}
    {%- set delimiter = file.delimiter -%}
    {%- set field = '"(?:[^"]|"")*"|[^' ~ delimiter ~ ']*' -%}
    case
        when regexp_matches(replace(text, chr(9), ''), '[[:cntrl:]]') then null
        else to_json(list_transform(
            regexp_extract_all(text, {{ sql_string('(?:^|' ~ delimiter ~ ')(' ~ field ~ ')') }}, 1),
            name -> case when name like '"%"' then replace(name[2:-2], '""', '"') else name end
        ))::varchar
    end
{%- endmacro %}


{#- The keys of a JSON file's first record (an object, the first element of an array, or the
    first record of an API page at one of `records_paths`), as JSON text; null when that line
    is not JSON. -#}
{% macro raw_json_keys_expression(file, records_paths) -%}
    to_json(coalesce(
        {%- for records_path in records_paths %}
        try(json_keys(json_extract(text, {{ sql_string('$.' ~ records_path ~ '[0]') }}))),
        {%- endfor %}
        case when left(text, 1) = '[' then try(json_keys(json_extract(text, '$[0]'))) end,
        case when left(text, 1) = '{' then try(json_keys(text)) end
    ))::varchar
{%- endmacro %}


{#- Column names with repeats numbered (`name_2`, ...) and blanks named `column<n>`. -#}
{% macro raw_unique_names(names) -%}
    {%- set unique = [] -%}
    {%- for name in names -%}
        {%- set ns = namespace(candidate=name if name else 'column' ~ loop.index, n=1) -%}
        {%- for _ in range(names | length) if ns.candidate in unique -%}
            {%- set ns.n = ns.n + 1 -%}
            {%- set ns.candidate = name ~ '_' ~ ns.n -%}
        {%- endfor -%}
        {%- do unique.append(ns.candidate) -%}
    {%- endfor -%}
    {{ return(unique) }}
{%- endmacro %}
