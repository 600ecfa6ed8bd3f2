{#- Key of an identity group: the records of one raw table that carry the same identifier
    values, and so must resolve to the same customer. Identity works on groups, not records: a
    visitor's thousand web events are one group. The key is 64 bits of the MD5 of the table's
    name and its identifier values (chr(30) marks a null, chr(31) separates values), so the
    join from a record to its group is on one integer; `int_identity__groups` tests that no two
    groups share a key. (DuckDB's own `hash` is faster but collides on values like these.) -#}
{% macro identity_group_key(source_name, table_name) -%}
    {%- set identifiers = identity_identifier_columns()[source_name ~ ':' ~ table_name] -%}
    {%- set key_text -%}
        concat_ws(
            chr(31),
            '{{ source_name }}:{{ table_name }}',
            {%- for identifier in identifiers %}
            coalesce(cast({{ identifier.column }} as varchar), chr(30)){{ "," if not loop.last }}
            {%- endfor %}
        )
    {%- endset %}
    {{ md5_64(key_text) }}
{%- endmacro %}

{#- The identifiers an identity group carries, as a list of (identifier_type, identifier_raw):
    one entry per identifier column, one per element of a list column. Null entries stay in the
    list; `int_identity__record_identifiers` drops them. -#}
{% macro identity_group_identifiers(source_name, table_name) -%}
    {%- set identifiers = identity_identifier_columns()[source_name ~ ':' ~ table_name] -%}
    {%- set scalars = identifiers | rejectattr('is_list') | list -%}
    {%- set lists = identifiers | selectattr('is_list') | list -%}
    {%- set parts = [] -%}
    {%- if scalars -%}
        {%- set entries = [] -%}
        {%- for identifier in scalars -%}
            {%- do entries.append(
                "{'identifier_type': '" ~ identifier.type ~ "', 'identifier_raw': "
                ~ identifier.column ~ "}"
            ) -%}
        {%- endfor -%}
        {%- do parts.append('[' ~ entries | join(', ') ~ ']') -%}
    {%- endif -%}
    {%- for identifier in lists -%}
        {%- do parts.append(
            "coalesce(list_transform(list_distinct(" ~ identifier.column ~ "), value -> {'identifier_type': '"
            ~ identifier.type ~ "', 'identifier_raw': value}), [])"
        ) -%}
    {%- endfor -%}
    {{ parts | join(' || ') }}
{%- endmacro %}

{#- The identifier columns of each table's staging model: the column (or expression), the
    identifier type its values are, and whether it holds a list of them. Listed once, here. -#}
{% macro identity_identifier_columns() -%}
    {%- set author_email -%}
        case when author_type in ('user', 'lead', 'contact') then author_email_raw end
    {%- endset -%}
    {%- set company_website -%}
        case when website_url is distinct from domain_raw then website_url end
    {%- endset -%}
    {{ return({
        'edd:payments': [
            {'column': 'customer_id', 'type': 'edd_customer'},
            {'column': 'email_raw', 'type': 'email'},
        ],
        'helpscout:conversations': [
            {'column': 'customer_id', 'type': 'helpscout_customer'},
            {'column': 'email_raw', 'type': 'email'},
        ],
        'intercom:conversations': [
            {'column': 'contact_ids', 'type': 'intercom_contact', 'is_list': true},
            {'column': 'contact_external_ids', 'type': 'edd_customer', 'is_list': true},
            {'column': author_email | trim, 'type': 'email'},
        ],
        'intercom:contacts': [
            {'column': 'contact_id', 'type': 'intercom_contact'},
            {'column': 'external_id', 'type': 'edd_customer'},
            {'column': 'email_raw', 'type': 'email'},
        ],
        'drip:subscribers': [
            {'column': 'subscriber_id', 'type': 'drip_subscriber'},
            {'column': 'email_raw', 'type': 'email'},
        ],
        'drip:events': [
            {'column': 'subscriber_id', 'type': 'drip_subscriber'},
            {'column': 'subscriber_email_raw', 'type': 'email'},
        ],
        'hubspot:contacts': [
            {'column': 'contact_id', 'type': 'hubspot_contact'},
            {'column': 'email_raw', 'type': 'email'},
            {'column': 'company_id', 'type': 'hubspot_company'},
            {'column': 'website_url', 'type': 'domain'},
        ],
        'hubspot:companies': [
            {'column': 'company_id', 'type': 'hubspot_company'},
            {'column': 'domain_raw', 'type': 'domain'},
            {'column': company_website | trim, 'type': 'domain'},
        ],
        'hubspot:social_impressions': [
            {'column': 'company_id', 'type': 'hubspot_company'},
        ],
        'google_analytics:events': [
            {'column': 'user_pseudo_id', 'type': 'ga_visitor'},
            {'column': 'user_id', 'type': 'edd_customer'},
        ],
        'mturk:batch_results': [
            {'column': 'website_url', 'type': 'domain'},
        ],
        'online_retail:invoice_lines': [
            {'column': 'customer_id', 'type': 'retail_customer'},
        ],
    }) }}
{%- endmacro %}

{#- The source tables identity reads: staging model, record id column and record time. -#}
{% macro identity_source_tables() -%}
    {{ return([
        {'source': 'edd', 'table': 'payments', 'model': 'stg_edd__payments',
            'id': 'payment_id', 'at': 'ordered_at'},
        {'source': 'helpscout', 'table': 'conversations',
            'model': 'stg_helpscout__conversations', 'id': 'conversation_id', 'at': 'created_at'},
        {'source': 'intercom', 'table': 'conversations', 'model': 'stg_intercom__conversations',
            'id': 'conversation_id', 'at': 'created_at'},
        {'source': 'intercom', 'table': 'contacts', 'model': 'stg_intercom__contacts',
            'id': 'contact_id', 'at': 'created_at'},
        {'source': 'drip', 'table': 'subscribers', 'model': 'stg_drip__subscribers',
            'id': 'subscriber_id', 'at': 'created_at'},
        {'source': 'drip', 'table': 'events', 'model': 'stg_drip__events',
            'id': 'event_id', 'at': 'occurred_at'},
        {'source': 'hubspot', 'table': 'contacts', 'model': 'stg_hubspot__contacts',
            'id': 'contact_id', 'at': 'created_at'},
        {'source': 'hubspot', 'table': 'companies', 'model': 'stg_hubspot__companies',
            'id': 'company_id', 'at': 'created_at'},
        {'source': 'hubspot', 'table': 'social_impressions',
            'model': 'stg_hubspot__social_impressions', 'id': 'social_impression_id',
            'at': 'month_start_date::timestamp'},
        {'source': 'google_analytics', 'table': 'events',
            'model': 'stg_google_analytics__events', 'id': 'event_id', 'at': 'event_at'},
        {'source': 'mturk', 'table': 'batch_results', 'model': 'stg_mturk__assignments',
            'id': 'assignment_id', 'at': 'submitted_at'},
        {'source': 'online_retail', 'table': 'invoice_lines',
            'model': 'stg_online_retail__invoice_lines', 'id': 'invoice_line_id',
            'at': 'invoiced_at'},
    ]) }}
{%- endmacro %}
