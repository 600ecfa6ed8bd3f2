{#-
    A raw table's staged records with their customer: `columns` of the table's staging model
    (its registry entry names the model), `customer_key` and `customer_number` (the customer's
    integer in key order, int_identity__node_customers: models downstream join and group on it
    rather than on the 32-character key, see customer_activity). Each staged row's identity group
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
        group_customers.customer_key,
        group_customers.customer_number
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


{#-
    Unit tests of models that call keyed_records: `int_identity__group_customers` rows (format
    sql, in a fixture file: yml cannot call macros) for records given by their identifier
    values, so a test states which customer each record resolves to without writing out group
    keys. `records`: one dict per record group, `source` and `table` (a registry entry),
    `customer_key`, and the values of the entry's identifier columns, by column name, as the
    test's staging rows hold them (a missing one is null, as is an identifier the registry
    computes from an expression; a list is a list of texts). Records with the same values are
    one group, as in a build.
-#}
{% macro group_customers_fixture(records) -%}
    {#- customers numbered 1 .. n in key order, as int_identity__node_customers numbers them -#}
    {%- set keys = records | map(attribute='customer_key') | unique | sort | list -%}
    {%- for record in records %}
        {%- set entry = registry_table(record.source, record.table) %}
        {%- set values = [] %}
        {%- for identifier in entry.identifiers %}
            {%- do values.append(fixture_literal(record.get(identifier.column))) %}
        {%- endfor %}
    select
        {{ identity_group_key(entry, values) }} as identity_group_key,
        {{ sql_string(record.customer_key) }} as customer_key,
        {{ keys.index(record.customer_key) + 1 }}::bigint as customer_number,
        'unit_test' as matched_on,
        1::bigint as customer_key_count,
        null::varchar as unresolved_reason
        {%- if not loop.last %}
    union all
        {%- endif %}
    {%- endfor %}
{%- endmacro %}


{#- A fixture value as a SQL literal: null, a number, a text, or a list of texts. -#}
{% macro fixture_literal(value) -%}
    {%- if value is none -%}
        null
    {%- elif value is number -%}
        {{ value }}
    {%- elif value is string -%}
        {{ sql_string(value) }}
    {%- else -%}
        [{% for item in value %}{{ sql_string(item) }}{{ ", " if not loop.last }}{% endfor %}]
    {%- endif -%}
{%- endmacro %}
