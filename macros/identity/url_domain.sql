{#-
    The host of a website URL or a bare domain, as a business domain: lower case, without
    scheme, credentials, `www.`, port, path, query or trailing dot. Null when no host with a
    dot remains.
-#}
{% macro url_domain(expression, is_lowered=false) -%}
    {%- set host = expression if is_lowered
    else "lower(nfc_normalize(trim(" ~ expression ~ ")))" -%}
    nullif(
        regexp_extract(
            regexp_replace(
                regexp_replace({{ host }}, '^[a-z][a-z0-9+.-]*://', ''),
                '^([^/@]*@)?(www[0-9]*\.)?',
                ''
            ),
            '^([\p{L}\p{N}-]+(\.[\p{L}\p{N}-]+)*\.(\p{L}{2,}|xn--[a-z0-9-]+))\.?([:/?#].*)?$',
            1
        ),
        ''
    )
{%- endmacro %}
