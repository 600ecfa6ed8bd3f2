{#-
    A raw table's staged records with their customer: `columns` of the table's staging model
    (its registry entry names the model) and `customer_key`. Each staged row's identity group
    key is computed on the row itself (identity_group_key, as int_identity__source_records
    does) and joined to its group's customer in int_identity__group_customers: one join on an
    integer, where going through the per-record view int_identity__record_customers would join
    the table back to itself on its text record id (at 1 M customers, 17 M invoice lines on each
    side, about 1.7 GB of hash table that a 4 GiB memory cap could not always hold beside
    another model). Only records with a customer, unless `keep_unmatched` (then customer_key is
    null where identity found none). The one place the project joins a source record to its
    customer.
-#}
{% macro keyed_records(source_name, table_name, columns, keep_unmatched=false) -%}
    {%- set entry = registry_table(source_name, table_name) -%}
    select
        {%- for column in columns %}
        staged.{{ column }},
        {%- endfor %}
        group_customers.customer_key
    from (
        select
            *,
            {{ identity_group_key(entry) }} as _identity_group_key
        from {{ ref(entry.staged_model) }}
    ) as staged
    {{ 'left' if keep_unmatched else 'inner' }} join {{ ref('int_identity__group_customers') }}
        as group_customers
        on staged._identity_group_key = group_customers.identity_group_key
    {%- if not keep_unmatched %}
    where group_customers.customer_key is not null
    {%- endif %}
{%- endmacro %}
