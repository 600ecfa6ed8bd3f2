{#-
    The one list of the raw tables the project reads: for each, its source (tool) and table,
    the staging model that holds its usable rows, the column naming a record there, the
    expression dating it, the columns that carry its identifiers (with the identifier type
    each holds; `is_list` for a list of them; `evidence` and `relationship` when it shows less
    than the record's own identity, see identity_evidence), and `holds_orders` for a table of orders (a
    customer with records there `has_orders`). By convention the table's base model is
    `base_<source>__<table>` and its source's quarantine model `stg_<source>__quarantine`.
    Quarantine, reconciliation, identity (groups, records, identifier columns) and the
    per-tool record counts in `customers` are generated from this list, and the check run at
    the start of every invocation (check_source_registry) fails when an entry and the models
    disagree. Identifier types, strongest first, are in `identifier_types`. An identifier
    `keyed_by: 'email'` is an id the tool keeps one of per email address (a shop customer, a
    help desk customer, a newsletter subscriber): made for a junk email, it is junk too.
-#}
{% macro source_registry() -%}
    {%- set intercom_author_email -%}
        case when author_type in ('user', 'lead', 'contact') then author_email_raw end
    {%- endset -%}
    {%- set hubspot_company_website -%}
        case when website_url is distinct from domain_raw then website_url end
    {%- endset -%}
    {{ return([
        {
            'source': 'edd', 'table': 'payments', 'staged_model': 'stg_edd__payments',
            'record_id': 'payment_id', 'record_at': 'ordered_at', 'holds_orders': true,
            'identifiers': [
                {'column': 'customer_id', 'type': 'edd_customer', 'keyed_by': 'email'},
                {'column': 'email_raw', 'type': 'email'},
            ],
        },
        {
            'source': 'helpscout', 'table': 'conversations',
            'staged_model': 'stg_helpscout__conversations',
            'record_id': 'conversation_id', 'record_at': 'created_at',
            'identifiers': [
                {'column': 'customer_id', 'type': 'helpscout_customer', 'keyed_by': 'email'},
                {'column': 'email_raw', 'type': 'email'},
            ],
        },
        {
            'source': 'intercom', 'table': 'conversations',
            'staged_model': 'stg_intercom__conversations',
            'record_id': 'conversation_id', 'record_at': 'created_at',
            'identifiers': [
                {'column': 'contact_ids', 'type': 'intercom_contact', 'is_list': true},
                {
                    'column': 'contact_external_ids', 'type': 'edd_customer', 'is_list': true,
                    'evidence': 'tool_link', 'relationship': 'shares_chat_contact',
                },
                {'column': intercom_author_email | trim, 'type': 'email'},
            ],
        },
        {
            'source': 'intercom', 'table': 'contacts', 'staged_model': 'stg_intercom__contacts',
            'record_id': 'contact_id', 'record_at': 'created_at',
            'identifiers': [
                {'column': 'contact_id', 'type': 'intercom_contact'},
                {
                    'column': 'external_id', 'type': 'edd_customer',
                    'evidence': 'tool_link', 'relationship': 'shares_chat_contact',
                },
                {'column': 'email_raw', 'type': 'email'},
            ],
        },
        {
            'source': 'drip', 'table': 'subscribers', 'staged_model': 'stg_drip__subscribers',
            'record_id': 'subscriber_id', 'record_at': 'created_at',
            'identifiers': [
                {'column': 'subscriber_id', 'type': 'drip_subscriber', 'keyed_by': 'email'},
                {'column': 'email_raw', 'type': 'email'},
            ],
        },
        {
            'source': 'drip', 'table': 'events', 'staged_model': 'stg_drip__events',
            'record_id': 'event_id', 'record_at': 'occurred_at',
            'identifiers': [
                {'column': 'subscriber_id', 'type': 'drip_subscriber'},
                {'column': 'subscriber_email_raw', 'type': 'email'},
            ],
        },
        {
            'source': 'hubspot', 'table': 'contacts', 'staged_model': 'stg_hubspot__contacts',
            'record_id': 'contact_id', 'record_at': 'created_at',
            'identifiers': [
                {'column': 'contact_id', 'type': 'hubspot_contact'},
                {'column': 'email_raw', 'type': 'email'},
                {
                    'column': 'company_id', 'type': 'hubspot_company',
                    'evidence': 'association', 'relationship': 'associated_with',
                },
                {
                    'column': 'website_url', 'type': 'domain',
                    'evidence': 'association', 'relationship': 'associated_with',
                },
            ],
        },
        {
            'source': 'hubspot', 'table': 'companies', 'staged_model': 'stg_hubspot__companies',
            'record_id': 'company_id', 'record_at': 'created_at',
            'identifiers': [
                {'column': 'company_id', 'type': 'hubspot_company'},
                {'column': 'domain_raw', 'type': 'domain'},
                {'column': hubspot_company_website | trim, 'type': 'domain'},
            ],
        },
        {
            'source': 'hubspot', 'table': 'social_impressions',
            'staged_model': 'stg_hubspot__social_impressions',
            'record_id': 'social_impression_id', 'record_at': 'month_start_date::timestamp',
            'identifiers': [
                {'column': 'company_id', 'type': 'hubspot_company'},
            ],
        },
        {
            'source': 'google_analytics', 'table': 'events',
            'staged_model': 'stg_google_analytics__events',
            'record_id': 'event_id', 'record_at': 'event_at',
            'identifiers': [
                {
                    'column': 'user_pseudo_id', 'type': 'ga_visitor',
                    'evidence': 'session', 'relationship': 'shares_browser',
                },
                {'column': 'user_id', 'type': 'edd_customer'},
            ],
        },
        {
            'source': 'mturk', 'table': 'batch_results', 'staged_model': 'stg_mturk__assignments',
            'record_id': 'assignment_id', 'record_at': 'submitted_at',
            'identifiers': [
                {'column': 'website_url', 'type': 'domain'},
            ],
        },
        {
            'source': 'online_retail', 'table': 'invoice_lines',
            'staged_model': 'stg_online_retail__invoice_lines',
            'record_id': 'invoice_line_id', 'record_at': 'invoiced_at', 'holds_orders': true,
            'identifiers': [
                {'column': 'customer_id', 'type': 'retail_customer'},
            ],
        },
    ]) }}
{%- endmacro %}
