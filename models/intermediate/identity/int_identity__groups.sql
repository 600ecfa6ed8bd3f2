-- One row per identity group: the records of one source table that carry the same identifier
-- values (`identity_group_key`), with the identifiers they carry. Resolving groups rather than
-- records reads a visitor's thousand web events as one.
with

{% for t in identity_source_tables() %}
    {{ t.source }}_{{ t.table }} as (
        select
            {{ identity_group_key(t.source, t.table) }} as identity_group_key,
            '{{ t.source }}' as source_name,
            '{{ t.table }}' as table_name,
            min({{ t.id }}) as record_id,
            min({{ t.at }}) as record_at,
            count(*) as record_count,
            {{ identity_group_identifiers(t.source, t.table) }} as identifiers
        from {{ ref(t.model) }}
        group by {{ identity_identifier_columns()[t.source ~ ':' ~ t.table]
            | map(attribute='column') | join(', ') }}
    ),

{% endfor %}
unioned as (
    {%- for t in identity_source_tables() %}
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
