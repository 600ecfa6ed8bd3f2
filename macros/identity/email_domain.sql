{#- The domain of a normalised email (the part after @). -#}
{% macro email_domain(normalized_email) -%}
    nullif(split_part({{ normalized_email }}, '@', 2), '')
{%- endmacro %}
