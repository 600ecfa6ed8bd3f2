-- One row per identity group: the records of one source table that carry the same identifier
-- values (`identity_group_key`), with the identifiers they carry. Resolving groups rather than
-- records reads a visitor's thousand web events as one. One branch per raw table of the
-- registry that carries identifiers (macros/registry/source_registry.sql).
{%- set tables = registry_tables() | selectattr('identifiers') | list %}
with

{% for t in tables %}
    {{ t.source }}_{{ t.table }} as (
        select
            {{ identity_group_key(t) }} as identity_group_key,
            '{{ t.source }}' as source_name,
            '{{ t.table }}' as table_name,
            min({{ t.record_id }}) as record_id,
            min({{ t.record_at }}) as record_at,
            count(*) as record_count,
            {{ identity_group_identifiers(t) }} as identifiers
        from {{ ref(t.staged_model) }}
        group by {{ t.identifiers | map(attribute='column') | join(', ') }}
    ),

{% endfor %}
unioned as (
    {%- for t in tables %}
        select * from {{ t.source }}_{{ t.table }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

final as (
    select
        identity_group_key,
        source_name,
        table_name,
        record_id,
        record_at,
        record_count,
        identifiers
    from unioned
)

select * from final
