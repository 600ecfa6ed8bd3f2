{#-
    Reads one raw table's export files, whatever their format, as the columns its source
    declares, cast to the declared raw type, plus:
      _raw_record   the row's declared columns as JSON text (the raw row a quarantine keeps)
      _source_file  the file the row came from
    Every base model reads its files through this macro, which makes it a table (the raw
    files are parsed once per build; the staging views read the table) and fails when the raw
    table is not in the source registry (macros/registry/source_registry.sql).
    The format follows the glob's extension: .csv/.tsv/.txt (all text), .json/.jsonl/.ndjson
    (one object per line) or .parquet. A glob that matches no file gives an empty relation of
    the same columns, with a log line, so a company without this tool still builds.
-#}
{% macro raw_source(source_name, table_name) %}
    {#- every base model is a table (the raw files are parsed once per build), and its raw
        table must be in the source registry -#}
    {{- config(materialized='table') -}}
    {%- do registry_table(source_name, table_name) -%}
    {%- set relation = source(source_name, table_name) -%}
    {%- if not execute -%}
        {{ return(relation) }}
    {%- endif -%}
    {#- In a dbt unit test, source() is the test's fixture: read it as it is. -#}
    {%- if model is defined and model.resource_type == 'unit_test' -%}
        {{ return("(select fixture.*, to_json(fixture)::varchar as _raw_record,"
            ~ " 'unit_test_fixture' as _source_file from " ~ relation ~ " as fixture)") }}
    {%- endif -%}

    {%- set node = graph.sources.values()
        | selectattr('source_name', 'equalto', source_name)
        | selectattr('name', 'equalto', table_name)
        | first -%}
    {%- set location = node.config.meta.get('external_location') or node.meta.get('external_location') -%}
    {%- set columns = node.columns.values() | list -%}
    {%- if columns | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            "source " ~ source_name ~ "." ~ table_name ~ " declares no columns") }}
    {%- endif -%}

    {%- set n_files = run_query("select count(*) from glob('" ~ location ~ "')").columns[0].values()[0] -%}

    {%- set selected -%}
        {%- for column in columns %}
        cast({{ adapter.quote(column.name) }} as {{ column.data_type }}) as {{ adapter.quote(column.name) }},
        {%- endfor %}
    {%- endset -%}
    {%- set raw_record -%}
        to_json(struct_pack(
            {%- for column in columns %}
            {{ adapter.quote(column.name) }} := cast({{ adapter.quote(column.name) }} as {{ column.data_type }}){{ "," if not loop.last }}
            {%- endfor %}
        ))::varchar
    {%- endset -%}

    {%- if n_files == 0 -%}
        {{ log("hvc: no files match " ~ location ~ " for source " ~ source_name ~ "."
            ~ table_name ~ "; its staging models build empty", info=True) }}
        {%- set reader -%}
            (select
                {%- for column in columns %}
                cast(null as varchar) as {{ adapter.quote(column.name) }},
                {%- endfor %}
                cast(null as varchar) as filename
            where false)
        {%- endset -%}
    {%- else -%}
        {%- set extension = location.split('.')[-1] | lower -%}
        {%- if extension in ['csv', 'tsv', 'txt', 'gz'] -%}
            {%- set reader -%}
                read_csv('{{ location }}', header = true, all_varchar = true,
                    union_by_name = true, filename = true)
            {%- endset -%}
        {%- elif extension in ['json', 'jsonl', 'ndjson'] -%}
            {%- set reader -%}
                read_json('{{ location }}', format = 'newline_delimited', union_by_name = true,
                    filename = true, columns = {
                    {%- for column in columns %}
                    '{{ column.name }}': '{{ column.data_type | upper }}'{{ "," if not loop.last }}
                    {%- endfor %}
                })
            {%- endset -%}
        {%- elif extension == 'parquet' -%}
            {%- set reader -%}
                read_parquet('{{ location }}', union_by_name = true, filename = true)
            {%- endset -%}
        {%- else -%}
            {{ exceptions.raise_compiler_error(
                "source " ~ source_name ~ "." ~ table_name ~ ": cannot tell the format of '"
                ~ location ~ "'; end the glob in .csv, .jsonl, .json, .ndjson or .parquet") }}
        {%- endif -%}
    {%- endif -%}

    (
        select
            {{ selected }}
            {{ raw_record }} as _raw_record,
            filename as _source_file
        from {{ reader }}
    )
{% endmacro %}
