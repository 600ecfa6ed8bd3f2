{#-
    The identifier types the registry's tables carry, strongest first: when a record's
    identifiers point to a customer, the strongest one is credited with the match
    (`matched_on`). A type used in source_registry must be listed here (check_source_registry).
-#}
{% macro identifier_types() -%}
    {{ return([
        'edd_customer',
        'email',
        'hubspot_contact',
        'hubspot_company',
        'domain',
        'intercom_contact',
        'helpscout_customer',
        'drip_subscriber',
        'retail_customer',
        'ga_visitor',
    ]) }}
{%- endmacro %}
