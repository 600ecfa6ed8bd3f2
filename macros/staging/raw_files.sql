{#-
    The files one raw table's glob matches, each a dict: `path`, `bytes`, `format` (csv, json
    or parquet, from the extension), the `header` (its column names: a CSV header, the Parquet
    columns, the keys of a JSON file's first record) and `columns` (each declared column the
    file has, by name, to the file's own name for it: names match exactly, else ignoring case
    and surrounding spaces). A file whose columns cannot
    be read at all gets `problem` = `unreadable_file` and a `problem_detail`. Read at execution
    time only (an empty list while dbt parses). Nothing here fails on a bad file; a glob whose
    extension names no known format stops the build with what to do.
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
    {%- set listed = [] -%}
    {%- for path in matched -%}
        {%- do listed.append(sql_string(path)) -%}
    {%- endfor -%}
    {%- set sizes = {} -%}
    {%- for row in run_query(
        "select filename, size from read_blob([" ~ listed | join(', ') ~ "])"
    ).rows -%}
        {%- do sizes.update({row[0]: row[1]}) -%}
    {%- endfor -%}
    {%- set files = [] -%}
    {%- for path in matched -%}
        {%- set file = {'path': path, 'bytes': sizes.get(path, 0), 'format': raw_format(path),
            'header': [], 'columns': {}, 'delimiter': ',', 'problem': none,
            'problem_detail': none} -%}
        {%- if file.format is none -%}
            {{ exceptions.raise_compiler_error(
                "source " ~ source_name ~ "." ~ table_name ~ ": cannot tell the format of '"
                ~ path ~ "' (matched by " ~ table.location ~ "): name the files .csv, .tsv, "
                ~ ".jsonl, .ndjson, .json or .parquet (optionally .gz), or narrow the glob "
                ~ "(var raw_" ~ source_name ~ "__" ~ table_name ~ ")") }}
        {%- endif -%}
        {%- if file.bytes > 0 and file.format == 'csv' -%}
            {%- do file.update({'delimiter': '\t' if '.tsv' in path | lower else ','}) -%}
            {%- do file.update({'header': raw_csv_header(path, file.delimiter)}) -%}
            {%- if not file.header -%}
                {%- do file.update({'problem': 'unreadable_file',
                    'problem_detail': 'no readable header line'}) -%}
            {%- endif -%}
        {%- elif file.bytes > 0 and file.format == 'json' -%}
            {%- do file.update({'header': raw_json_keys(path, table.records_paths)}) -%}
        {%- elif file.bytes > 0 and file.format == 'parquet' -%}
            {%- set magic = run_query(
                "select size >= 12 and content[1:4] = 'PAR1'::blob"
                ~ " and content[-4:] = 'PAR1'::blob from read_blob(" ~ sql_string(path) ~ ")"
            ).columns[0].values()[0] -%}
            {%- if magic -%}
                {%- do file.update({'header': run_query(
                    "select column_name from (describe select * from read_parquet("
                    ~ sql_string(path) ~ "))"
                ).columns[0].values() | list}) -%}
            {%- else -%}
                {%- do file.update({'problem': 'unreadable_file',
                    'problem_detail': 'not a Parquet file (truncated or damaged)'}) -%}
            {%- endif -%}
        {%- endif -%}
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
        {%- do files.append(file) -%}
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


{#- The column names on a CSV file's first line (quoted names unquoted, a byte-order mark
    dropped, repeated names numbered); [] when the line cannot be read or holds control
    characters (not a header: a binary or damaged file). -#}
{% macro raw_csv_header(path, delimiter) -%}
    {%- set field = '"(?:[^"]|"")*"|[^' ~ delimiter ~ ']*' -%}
    {%- set rows = run_query(
        "select case when regexp_matches(replace(trim(line, chr(13)), chr(9), ''), "
        ~ "'[[:cntrl:]]') then null else to_json(list_transform("
        ~ "regexp_extract_all(trim(ltrim(line, chr(65279)), chr(13)), "
        ~ sql_string('(?:^|' ~ delimiter ~ ')(' ~ field ~ ')') ~ ", 1), "
        ~ "name -> case when name like '\"%\"' then replace(name[2:-2], '\"\"', '\"') "
        ~ "else name end))::varchar end "
        ~ "from read_csv(" ~ sql_string(path) ~ ", auto_detect = false, header = false, "
        ~ "columns = {'line': 'VARCHAR'}, delim = chr(1), quote = '', escape = '', "
        ~ "strict_mode = false, ignore_errors = true, max_line_size = 67108864) limit 1"
    ).rows -%}
    {%- if not rows or rows[0][0] is none -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set names = [] -%}
    {%- for name in fromjson(rows[0][0]) -%}
        {%- set ns = namespace(candidate=name if name else 'column' ~ loop.index, n=1) -%}
        {%- for _ in range(names | length) if ns.candidate in names -%}
            {%- set ns.n = ns.n + 1 -%}
            {%- set ns.candidate = name ~ '_' ~ ns.n -%}
        {%- endfor -%}
        {%- do names.append(ns.candidate) -%}
    {%- endfor -%}
    {{ return(names) }}
{%- endmacro %}


{#- The keys of a JSON file's first record (its first non-blank line: an object, the first
    element of an array, or the first record of an API page); [] when that line is not JSON. -#}
{% macro raw_json_keys(path, records_paths) -%}
    {%- set candidates = [] -%}
    {%- for records_path in records_paths -%}
        {%- do candidates.append("try(json_keys(json_extract(text, "
            ~ sql_string('$.' ~ records_path ~ '[0]') ~ ")))") -%}
    {%- endfor -%}
    {%- do candidates.append(
        "case when left(text, 1) = '[' then try(json_keys(json_extract(text, '$[0]'))) end") -%}
    {%- do candidates.append("case when left(text, 1) = '{' then try(json_keys(text)) end") -%}
    {%- set rows = run_query(
        "select to_json(coalesce(" ~ candidates | join(', ') ~ "))::varchar from ("
        ~ "select trim(ltrim(line, chr(65279)), chr(32) || chr(9) || chr(13)) as text "
        ~ "from read_csv(" ~ sql_string(path) ~ ", auto_detect = false, header = false, "
        ~ "columns = {'line': 'VARCHAR'}, delim = chr(1), quote = '', escape = '', "
        ~ "strict_mode = false, ignore_errors = true, max_line_size = 67108864) "
        ~ "where trim(coalesce(line, ''), chr(32) || chr(9) || chr(13)) <> '' limit 1)"
    ).rows -%}
    {%- if not rows or rows[0][0] is none -%}
        {{ return([]) }}
    {%- endif -%}
    {{ return(fromjson(rows[0][0])) }}
{%- endmacro %}
