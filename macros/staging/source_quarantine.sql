{#-
    The body of a source's quarantine model (stg_<source>__quarantine): the quarantined rows of
    each of the source's raw tables in the registry, as read, with the reason. A new raw table
    of the source appears here once it is in the registry.
-#}
{% macro source_quarantine(source_name) -%}
{%- if not registry_tables(source_name) -%}
    {{ exceptions.raise_compiler_error(
        "source " ~ source_name ~ " has a quarantine model but no raw table in the source "
        ~ "registry: add its tables to macros/registry/source_registry.sql") }}
{%- endif %}
with

{% for entry in registry_tables(source_name) %}
{{ entry.table }} as (
    select
        '{{ entry.table }}' as table_name,
        {{ entry.record_id }} as record_id,
        quarantine_reason,
        _raw_record as raw_record,
        _source_file as source_file,
        _line_number as line_number,
        _read_problem is not null as is_unread
    from {{ ref(entry.base_model) }}
    where row_status = 'quarantined'
),

{% endfor -%}
unioned as (
    {%- for entry in registry_tables(source_name) %}
    select
        table_name,
        record_id,
        quarantine_reason,
        raw_record,
        source_file,
        line_number,
        is_unread
    from {{ entry.table }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

final as (
    select
        -- a row read is known by its content; a line that could not be read, by its place
        case
            when is_unread
                then {{ dbt.hash(
                    "'" ~ source_name ~ "' || table_name || source_file || ':' || line_number"
                ) }}
            else {{ dbt.hash("'" ~ source_name ~ "' || table_name || raw_record") }}
        end as quarantined_row_id,
        '{{ source_name }}' as source_name,
        table_name,
        record_id,
        quarantine_reason,
        raw_record,
        source_file,
        line_number
    from unioned
)

select * from final
{%- endmacro %}
