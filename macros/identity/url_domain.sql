{#-
    The host of a website URL or a bare domain, as a business domain: lower case, without
    spaces, control or invisible format characters around it (format characters anywhere),
    scheme, credentials, `www.`, port, path, query or trailing dot; full-width dots read as
    dots. Null when no host with a dot remains. Letters of any script (with their combining
    marks) and punycode labels are kept as written; idn_domains gives their one form.
-#}
{% macro url_domain(expression, is_lowered=false, is_ascii=false) -%}
    {%- set host = expression if is_lowered else "lower(nfc_normalize(" ~ expression ~ "))" -%}
    {%- if is_ascii -%}
        {#- plain ASCII (the caller knows): only ASCII whitespace to trim -#}
        {%- set cleaned = "trim(" ~ host ~ ", ' ' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13))" -%}
    {%- else -%}
        {%- set cleaned -%}
            translate(
                regexp_replace({{ host }}, '^[\s\p{Z}\p{C}]+|[\s\p{Z}\p{C}]+$|\p{Cf}+', '', 'g'),
                chr(12290) || chr(65294) || chr(65377),
                '...'
            )
        {%- endset -%}
    {%- endif %}
    nullif(
        regexp_extract(
            regexp_replace(
                regexp_replace({{ cleaned }}, '^[a-z][a-z0-9+.-]*://', ''),
                '^([^/@]*@)?(www[0-9]*\.)?',
                ''
            ),
            '^([\p{L}\p{M}\p{N}-]+(\.[\p{L}\p{M}\p{N}-]+)*\.(\p{L}[\p{L}\p{M}]+|xn--[a-z0-9-]+))\.?([:/?#].*)?$',
            1
        ),
        ''
    )
{%- endmacro %}
