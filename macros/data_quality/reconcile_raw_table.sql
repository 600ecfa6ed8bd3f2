{#-
    One row of source_reconciliation: what became of one raw table's rows (a registry entry,
    see registry_tables). rows_in is read from the base model (every raw row), the other
    counts from the models users query.
-#}
{% macro reconcile_raw_table(entry) -%}
    select
        '{{ entry.source }}' as source_name,
        '{{ entry.table }}' as table_name,
        '{{ entry.staged_model }}' as staging_model,
        (select count(*) from {{ ref(entry.base_model) }}) as rows_in,
        (select count(*) from {{ ref(entry.staged_model) }}) as rows_staged,
        (
            select count(*) from {{ ref(entry.quarantine_model) }}
            where table_name = '{{ entry.table }}'
        ) as rows_quarantined,
        (
            select count(*) from {{ ref(entry.base_model) }}
            where row_status = 'duplicate'
        ) as duplicates_removed
{%- endmacro %}
