-- One row per staged source record that identity resolution assigns to a customer, with its
-- identity group: every raw table of the registry that carries identifiers. A view: its
-- readers (int_identity__record_customers) filter it to one table.
{{ config(materialized='view') }}
{%- set tables = registry_tables() | selectattr('identifiers') | list %}

with

unioned as (
    {%- for t in tables %}
        select
            '{{ t.source }}' as source_name,
            '{{ t.table }}' as table_name,
            {{ t.record_id }} as record_id,
            {{ t.record_at }} as record_at,
            {{ identity_group_key(t) }} as identity_group_key
        from {{ ref(t.staged_model) }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

final as (
    select
        source_name || ':' || table_name || ':' || record_id as record_key,
        source_name,
        table_name,
        record_id,
        record_at,
        identity_group_key
    from unioned
)

select * from final
