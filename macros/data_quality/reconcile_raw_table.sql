{#-
    One row of source_reconciliation: what became of one raw table's rows. rows_in is read from
    the base model (every raw row), the other counts from the models users query.
-#}
{% macro reconcile_raw_table(source_name, table_name, base_model, staging_model, quarantine_model) -%}
    select
        '{{ source_name }}' as source_name,
        '{{ table_name }}' as table_name,
        '{{ staging_model }}' as staging_model,
        (select count(*) from {{ ref(base_model) }}) as rows_in,
        (select count(*) from {{ ref(staging_model) }}) as rows_staged,
        (
            select count(*) from {{ ref(quarantine_model) }}
            where table_name = '{{ table_name }}'
        ) as rows_quarantined,
        (
            select count(*) from {{ ref(base_model) }}
            where row_status = 'duplicate'
        ) as duplicates_removed
{%- endmacro %}
