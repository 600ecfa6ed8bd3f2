{#-
    Run at the start of every dbt invocation (on-run-start): refuses to mix a user's files with
    the demo's. When a table's files are given (var `raw_<source>__<table>`) while the raw folder
    of every other table is still the demo's (env var HVC_RAW_DIR unset, var `raw_dir` at the
    folder `hvc demo` writes), the build would value the user's customers beside the demo's
    and measure them at the demo's dates, without an error: it fails instead, in one line saying
    what to do. Var `allow_demo_mix: true` lets such a build through. A no-op query otherwise.
-#}
{% macro check_demo_mix() -%}
    {%- set demo_raw_dir = 'data/demo/raw' -%}
    {%- if execute and not var('allow_demo_mix')
        and not env_var('HVC_RAW_DIR', '') and var('raw_dir') == demo_raw_dir -%}
        {%- set given = [] -%}
        {%- for node in graph.sources.values()
            | selectattr('package_name', 'equalto', project_name)
            | sort(attribute='unique_id') -%}
            {%- if var('raw_' ~ node.source_name ~ '__' ~ node.name) -%}
                {%- do given.append(node.source_name ~ '.' ~ node.name) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if given -%}
            {%- set names = [] -%}
            {%- set options = [] -%}
            {%- for table in given -%}
                {%- do names.append('raw_' ~ table.replace('.', '__')) -%}
                {%- do options.append('--raw-file ' ~ table ~ '=PATH') -%}
            {%- endfor -%}
            {{ exceptions.raise_compiler_error(
                "Your files would be mixed with the demo's: var " ~ names | join(', ')
                ~ " names your files, but every other table still reads the demo's "
                ~ demo_raw_dir ~ " (HVC_RAW_DIR is not set). Set HVC_RAW_DIR (or hvc build "
                ~ "--raw-dir DIR) to the folder of your exports, or build from your files "
                ~ "alone with hvc build " ~ options | join(' ')
                ~ "; var allow_demo_mix: true mixes them on purpose.") }}
        {%- endif -%}
    {%- endif -%}
    select 1 as demo_mix_checked
{%- endmacro %}
