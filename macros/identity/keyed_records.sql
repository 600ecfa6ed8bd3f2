{#-
    A raw table's staged records with their customer: `columns` of the table's staging model
    (its registry entry names the model and the record id) and `customer_key`, joined on the
    record through int_identity__record_customers. Only records with a customer, unless
    `keep_unmatched` (then customer_key is null where identity found none). The one place the
    project joins a source record to its customer.
-#}
{% macro keyed_records(source_name, table_name, columns, keep_unmatched=false) -%}
    {%- set entry = registry_table(source_name, table_name) -%}
    select
        {%- for column in columns %}
        staged.{{ column }},
        {%- endfor %}
        record_customers.customer_key
    from {{ ref(entry.staged_model) }} as staged
    {{ 'left' if keep_unmatched else 'inner' }} join {{ ref('int_identity__record_customers') }}
        as record_customers
        on
            record_customers.source_name = '{{ source_name }}'
            and record_customers.table_name = '{{ table_name }}'
            and staged.{{ entry.record_id }} = record_customers.record_id
    {%- if not keep_unmatched %}
    where record_customers.customer_key is not null
    {%- endif %}
{%- endmacro %}
