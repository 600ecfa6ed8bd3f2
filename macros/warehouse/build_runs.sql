{#-
    The build log, `data_quality.build_runs`: one row per dbt invocation that writes to the
    warehouse, opened at its start (record_build_start, on-run-start) and closed at its end
    (record_build_end, on-run-end) with its counts. A row without `finished_at` is a build
    that was killed: its tables are a mix of two builds, and `hvc publish` refuses them.
-#}
{% macro record_build_start() -%}
    {%- if execute and flags.WHICH in ('build', 'run', 'seed', 'snapshot') -%}
        {%- set args = invocation_args_dict -%}
        {%- set parts = [] -%}
        {%- for option in ('select', 'exclude', 'selector', 'resource_types') -%}
            {%- if args.get(option) -%}
                {%- do parts.append('--' ~ option ~ ' ' ~ (args[option] | join(' ')
                    if args[option] is not string else args[option])) -%}
            {%- endif -%}
        {%- endfor -%}
        create schema if not exists data_quality;
        create table if not exists data_quality.build_runs (
            build_id varchar,
            command varchar,
            selection varchar,
            started_at timestamp,
            finished_at timestamp,
            models_built integer,
            tests_passed integer,
            tests_warned integer,
            tests_failed integer,
            nodes_errored integer,
            nodes_skipped integer
        );
        insert into data_quality.build_runs (build_id, command, selection, started_at)
        values (
            {{ sql_string(invocation_id) }},
            {{ sql_string(flags.WHICH) }},
            {{ sql_string(parts | join(' ')) if parts else 'null' }},
            cast({{ sql_string(run_started_at.strftime('%Y-%m-%d %H:%M:%S.%f')) }} as timestamp)
        )
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}

{% macro record_build_end(results) -%}
    {%- if execute and flags.WHICH in ('build', 'run', 'seed', 'snapshot') -%}
        {%- set counts = {
            'models_built': 0, 'tests_passed': 0, 'tests_warned': 0, 'tests_failed': 0,
            'nodes_errored': 0, 'nodes_skipped': 0} -%}
        {%- for result in results -%}
            {%- set status = result.status | string | lower -%}
            {%- set kind = result.node.resource_type | string | lower -%}
            {%- if status == 'success' and kind in ('model', 'seed', 'snapshot') -%}
                {%- do counts.update({'models_built': counts.models_built + 1}) -%}
            {%- elif status == 'pass' or (status == 'success' and kind == 'unit_test') -%}
                {%- do counts.update({'tests_passed': counts.tests_passed + 1}) -%}
            {%- elif status == 'warn' -%}
                {%- do counts.update({'tests_warned': counts.tests_warned + 1}) -%}
            {%- elif status == 'fail' -%}
                {%- do counts.update({'tests_failed': counts.tests_failed + 1}) -%}
            {%- elif status in ('error', 'runtime error') -%}
                {%- do counts.update({'nodes_errored': counts.nodes_errored + 1}) -%}
            {%- elif status == 'skipped' -%}
                {%- do counts.update({'nodes_skipped': counts.nodes_skipped + 1}) -%}
            {%- endif -%}
        {%- endfor -%}
        update data_quality.build_runs
        set finished_at = cast(current_timestamp at time zone 'UTC' as timestamp),
            {%- for name, value in counts.items() %}
            {{ name }} = {{ value }}{{ ',' if not loop.last }}
            {%- endfor %}
        where build_id = {{ sql_string(invocation_id) }}
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}
