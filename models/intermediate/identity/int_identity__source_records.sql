-- One row per staged source record that identity resolution assigns to a customer, with its
-- identity group. A view: the only reader of all rows is `customer_identity_map`.
{{ config(materialized='view') }}

with

unioned as (
    {%- for t in identity_source_tables() %}
        select
            '{{ t.source }}' as source_name,
            '{{ t.table }}' as table_name,
            {{ t.id }} as record_id,
            {{ t.at }} as record_at,
            {{ identity_group_key(t.source, t.table) }} as identity_group_key
        from {{ ref(t.model) }}
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
