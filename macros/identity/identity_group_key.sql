{#- Key of an identity group: the records of one raw table that carry the same raw identifier
    values, and so must resolve to the same customer. Identity works on groups, not records: a
    visitor's thousand web events are one group. The identifier columns of each table are listed
    once, here. Null and empty stay apart (chr(30) marks null); chr(31) separates the values. -#}
{% macro identity_group_key(source_name, table_name) -%}
    {%- set columns = identity_identifier_columns()[source_name ~ ':' ~ table_name] -%}
    '{{ source_name }}:{{ table_name }}|' || concat_ws(
        chr(31),
        {%- for column in columns %}
        coalesce(cast({{ column }} as varchar), chr(30)){{ "," if not loop.last }}
        {%- endfor %}
    )
{%- endmacro %}

{#- The columns (of each table's staging model) that hold a record's raw identifiers. -#}
{% macro identity_identifier_columns() -%}
    {{ return({
        'edd:payments': ['customer_id', 'email_raw'],
        'helpscout:conversations': ['customer_id', 'email_raw'],
        'intercom:conversations': [
            'contact_ids',
            'contact_external_ids',
            "case when author_type in ('user', 'lead', 'contact') then author_email_raw end",
        ],
        'intercom:contacts': ['contact_id', 'external_id', 'email_raw'],
        'drip:subscribers': ['subscriber_id', 'email_raw'],
        'drip:events': ['subscriber_id', 'subscriber_email_raw'],
        'hubspot:contacts': ['contact_id', 'email_raw', 'company_id', 'website_url'],
        'hubspot:companies': ['company_id', 'domain_raw', 'website_url'],
        'hubspot:social_impressions': ['company_id'],
        'google_analytics:events': ['user_pseudo_id', 'user_id'],
        'mturk:batch_results': ['website_url'],
        'online_retail:invoice_lines': ['customer_id'],
    }) }}
{%- endmacro %}
